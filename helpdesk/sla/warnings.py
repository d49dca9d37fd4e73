"""SLA warnings: a coach is told when a client's wait passes WARN_HOURS; coach and team leader when it
breaches SLA_HOURS; the same for Yellow audits not followed up. Each warning is sent once (dedupe key)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.sla.models import ResponseWait
from helpdesk.types import utcnow


def _open_waits_older_than(cutoff: datetime):
    """(wait id, thread id, coach id, team leader id) of open waits started at or before cutoff."""
    a = aliased(Assignment)
    coach = aliased(User)
    return db.session.execute(
        select(ResponseWait.id, ResponseWait.thread_id, a.coach_id, coach.reports_to_id)
        .join(a, and_(a.client_id == ResponseWait.client_id, a.starts_at <= ResponseWait.wait_start,
                      or_(a.ends_at.is_(None), a.ends_at > ResponseWait.wait_start)))
        .join(coach, coach.id == a.coach_id)
        .where(ResponseWait.reply_message_id.is_(None), ResponseWait.wait_start <= cutoff)
    ).all()


def send_warnings(now: datetime | None = None) -> dict:
    """Send the warnings now due; return how many were stored. Flushes only."""
    now = now or utcnow()
    config = current_app.config
    warn, breach = timedelta(hours=config["WARN_HOURS"]), timedelta(hours=config["SLA_HOURS"])
    sent = 0
    for wait_id, thread_id, coach_id, _leader in _open_waits_older_than(now - warn):
        link = f"/inbox/{thread_id}"
        sent += notify(coach_id, "sla_warning", f"A client has waited {config['WARN_HOURS']} h for a reply",
                       link, dedupe_key=f"wait-{wait_id}-warn")
    for wait_id, thread_id, coach_id, leader_id in _open_waits_older_than(now - breach):
        link = f"/inbox/{thread_id}"
        text = f"A client's wait passed {config['SLA_HOURS']} h (SLA breach)"
        sent += notify(coach_id, "sla_breach", text, link, dedupe_key=f"wait-{wait_id}-breach")
        if leader_id:
            sent += notify(leader_id, "sla_breach", text, link, dedupe_key=f"wait-{wait_id}-breach")
    coach = aliased(User)
    yellows = db.session.execute(
        select(Audit.id, Audit.coach_id, coach.reports_to_id)
        .join(coach, coach.id == Audit.coach_id)
        .where(Audit.color == "yellow", Audit.acted_at.is_(None), Audit.at <= now - breach,
               or_(Audit.resolution.is_(None), Audit.resolution != "overturned"))
    ).all()
    for audit_id, coach_id, leader_id in yellows:
        text = f"A Needs Improvement audit has waited over {config['SLA_HOURS']} h for a follow-up"
        sent += notify(coach_id, "audit_overdue", text, f"/audits/{audit_id}", dedupe_key=f"audit-{audit_id}")
        if leader_id:
            sent += notify(leader_id, "audit_overdue", text, f"/audits/{audit_id}", dedupe_key=f"audit-{audit_id}")
    return {"sent": int(sent)}
