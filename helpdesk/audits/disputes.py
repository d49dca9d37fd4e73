"""Disputes: the audited coach may dispute a Yellow once; their team leader upholds or overturns it."""

from datetime import datetime

from sqlalchemy import update

from helpdesk.audits.models import Audit
from helpdesk.audits.services import (
    DISPUTE_REASON_MAX,
    AuditError,
    bounded_text,
    can_see_audit,
    clean_text,
    thread_link,
)
from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

RESOLUTIONS = ("upheld", "overturned")


def dispute(coach: User, audit: Audit, reason, now: datetime | None = None) -> Audit:
    """Record the coach's one dispute of a Yellow, with a reason; tell their team leader."""
    if coach.id != audit.coach_id:
        raise AuditError("audit", "Only the audited coach may dispute an audit.", 403)
    if audit.color != "yellow":
        raise AuditError("audit", "Only a Yellow audit can be disputed.")
    if audit.disputed_at is not None:
        raise AuditError("audit", "This Yellow has already been disputed; a Yellow is disputed once.", 409)
    reason = bounded_text(reason, "reason", DISPUTE_REASON_MAX)
    if not reason:
        raise AuditError("reason", "Say why you dispute this Yellow.")
    audit.disputed_at, audit.dispute_reason = now or utcnow(), reason
    db.session.flush()
    if coach.reports_to is not None and can_see_audit(coach.reports_to, audit):
        notify(coach.reports_to_id, "audit_dispute", f"{coach.name} disputes a Yellow audit",
               thread_link(audit.message.thread_id, audit.message_id), f"dispute-{audit.id}")
    return audit


def can_resolve(user: User, audit: Audit) -> bool:
    """The team leader the coach reports to, or an admin."""
    return user.role == Role.ADMIN.value or (
        user.role == Role.TEAM_LEADER.value and audit.coach.reports_to_id == user.id)


def resolve(leader: User, audit: Audit, resolution, now: datetime | None = None) -> Audit:
    """Uphold or overturn a disputed Yellow. An overturned Yellow no longer counts anywhere."""
    if not can_resolve(leader, audit):
        raise AuditError("audit", "Only the coach's team leader resolves this dispute.", 403)
    resolution = clean_text(resolution).lower()
    if resolution not in RESOLUTIONS:
        raise AuditError("resolution", "Must be one of: upheld, overturned.")
    if audit.disputed_at is None:
        raise AuditError("audit", "This audit has not been disputed.")
    if audit.resolution is not None:
        raise AuditError("audit", f"This dispute was already resolved ({audit.resolution}).", 409)
    # Decided once: the UPDATE only takes a dispute still open, so of two deciders at the same instant
    # the second finds no row (PostgreSQL re-checks the condition after the first commits) and is refused,
    # and only the stored decision is told to the coach.
    decided = db.session.execute(
        update(Audit).where(Audit.id == audit.id, Audit.disputed_at.is_not(None), Audit.resolution.is_(None))
        .values(resolution=resolution, resolved_by_id=leader.id, resolved_at=now or utcnow())
        .returning(Audit.id).execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(audit)
    if decided is None:
        raise AuditError("audit", f"This dispute was already resolved ({audit.resolution}).", 409)
    notify(audit.coach_id, "audit_dispute", f"Your dispute of a Yellow audit was {resolution}",
           thread_link(audit.message.thread_id, audit.message_id), f"resolved-{audit.id}")
    return audit
