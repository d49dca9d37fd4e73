"""Feedback: an auditor's colour and comment on a coach's reply, and the 24 h clock of a Yellow."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.audits.models import COLOR_LABELS, COLORS, Audit, AuditSample, CommunicationNote
from helpdesk.audits.queue import lock_sample_of, require_no_claim_by_another
from helpdesk.audits.services import (
    AUDIT_COMMENT_MAX,
    NOTE_MAX,
    AuditError,
    bounded_text,
    can_see_audit,
    clean_text,
    require_coach_reply,
    thread_link,
)
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

ALREADY_AUDITED = "You have already audited this reply."


def sla() -> timedelta:
    """How long a Yellow waits for a better reply: SLA_HOURS."""
    return timedelta(hours=current_app.config["SLA_HOURS"])


def not_overturned():
    """SQL: the audit has not been overturned on dispute."""
    return or_(Audit.resolution.is_(None), Audit.resolution != "overturned")


def standing_yellow():
    """SQL: a Yellow that still counts as Needs Improvement."""
    return and_(Audit.color == "yellow", not_overturned())


def overdue_yellow(now: datetime):
    """SQL: a standing Yellow not acted on whose 24 h have passed (longer than SLA_HOURS, as a breach)."""
    return and_(standing_yellow(), Audit.acted_message_id.is_(None), Audit.at < now - sla())


def create_audit(auditor: User, message: Message, color, comment=None, at: datetime | None = None) -> Audit:
    """Record `auditor`'s colour and comment on a coach's reply; notify the coach and their team leader."""
    color = clean_text(color).lower()
    if color not in COLORS:
        raise AuditError("color", f"Must be one of: {', '.join(COLORS)}.")
    require_coach_reply(message)
    comment = bounded_text(comment, "comment", AUDIT_COMMENT_MAX)
    if color in ("blue", "yellow") and not comment:
        raise AuditError("comment", f"A comment is required for {color.title()} ({COLOR_LABELS[color]}): "
                                    "say what to improve.")
    require_no_claim_by_another(auditor, lock_sample_of(message.id))
    again = db.session.scalar(select(Audit.id).where(Audit.message_id == message.id,
                                                     Audit.auditor_id == auditor.id).limit(1))
    if again is not None:
        raise AuditError("message", ALREADY_AUDITED, 409)
    audit = Audit(message_id=message.id, coach_id=message.author_id, auditor_id=auditor.id, color=color,
                  comment=comment or None, at=at or utcnow())
    # The check above answers the common case; two submits at the same instant both pass it, and the
    # unique (message, auditor) constraint decides: the second waits for the first and is refused.
    try:
        with db.session.begin_nested():
            db.session.add(audit)
    except IntegrityError:
        raise AuditError("message", ALREADY_AUDITED, 409) from None
    # A sampled reply audited from anywhere leaves the queue.
    db.session.execute(update(AuditSample).where(AuditSample.message_id == message.id,
                                                 AuditSample.audit_id.is_(None)).values(audit_id=audit.id))
    _notify_audit(audit, message)
    return audit


def _notify_audit(audit: Audit, message: Message) -> None:
    coach = message.author
    label = f"{audit.color.title()} ({COLOR_LABELS[audit.color]})"
    link = thread_link(message.thread_id, message.id)
    subject = message.thread.subject or "a thread"
    notify(coach.id, "audit", f"{label} audit on your reply in \u201c{subject}\u201d", link, f"audit-{audit.id}")
    if coach.reports_to is not None and can_see_audit(coach.reports_to, audit):
        notify(coach.reports_to_id, "audit", f"{label} audit on {coach.name}'s reply in \u201c{subject}\u201d",
               link, f"audit-{audit.id}")


@dataclass(frozen=True)
class YellowClock:
    """Where a Yellow stands on its 24 h: open (time left), overdue (by how much), acted on, or overturned."""

    state: str  # "open", "overdue", "acted", "overturned"; "" for Green and Blue
    deadline: datetime | None = None
    seconds_left: int | None = None
    overdue_seconds: int | None = None
    taken_seconds: int | None = None
    limit: int = 24 * 3600

    @property
    def late(self) -> bool:
        """Acted on, but after the 24 h."""
        return self.state == "acted" and self.taken_seconds is not None and self.taken_seconds > self.limit


def yellow_clock(audit: Audit, now: datetime | None = None) -> YellowClock:
    """The 24 h clock of a Yellow as of `now`. The time taken runs from the audit to the better reply the
    coach linked (metrics.md section 3: the wait ends with the coach's reply in that thread)."""
    if audit.color != "yellow":
        return YellowClock("")
    limit = sla()
    deadline = audit.at + limit
    if audit.resolution == "overturned":
        return YellowClock("overturned", deadline, limit=int(limit.total_seconds()))
    if audit.acted_message_id is not None:
        taken = int((audit.acted_message.sent_at - audit.at).total_seconds())
        return YellowClock("acted", deadline, taken_seconds=taken, limit=int(limit.total_seconds()))
    now = now or utcnow()
    if now - audit.at > limit:
        return YellowClock("overdue", deadline, overdue_seconds=int((now - deadline).total_seconds()),
                           limit=int(limit.total_seconds()))
    return YellowClock("open", deadline, seconds_left=int((deadline - now).total_seconds()),
                       limit=int(limit.total_seconds()))


def linkable_replies(audit: Audit, coach: User) -> list[Message]:
    """The coach's messages in the audited thread sent after the audit: candidates for the better reply."""
    if coach.id != audit.coach_id:
        return []
    return db.session.scalars(
        select(Message).where(Message.thread_id == audit.message.thread_id, Message.author_id == coach.id,
                              Message.sent_at > audit.at).order_by(Message.sent_at, Message.id)
    ).all()


def act_on_yellow(coach: User, audit: Audit, message_id, note=None, now: datetime | None = None) -> Audit:
    """The audited coach links the better reply they wrote in the thread after the Yellow."""
    if coach.id != audit.coach_id:
        raise AuditError("audit", "Only the audited coach links the follow-up reply.", 403)
    if audit.color != "yellow":
        raise AuditError("audit", "Only a Yellow audit waits for a follow-up reply.")
    if audit.resolution == "overturned":
        raise AuditError("audit", "This Yellow was overturned; there is nothing to act on.")
    if audit.acted_message_id is not None:
        raise AuditError("audit", "This Yellow has already been acted on.", 409)
    note = bounded_text(note, "note", NOTE_MAX)
    try:
        message_id = int(message_id)
    except (TypeError, ValueError):
        raise AuditError("message_id", "Choose one of your replies in this thread.") from None
    message = db.session.get(Message, message_id)
    if (message is None or message.thread_id != audit.message.thread_id or message.author_id != coach.id
            or message.sent_at <= audit.at):
        raise AuditError("message_id", "Choose one of your replies in this thread sent after the audit.")
    now = now or utcnow()
    audit.acted_message_id, audit.acted_at = message.id, now
    db.session.add(CommunicationNote(
        thread_id=message.thread_id, author_id=coach.id, audit_id=audit.id, linked_message_id=message.id,
        body=note or "Linked a better reply to the Yellow audit.", created_at=now))
    db.session.flush()
    return audit
