"""Audit follow-up's 24 h rule (metrics.md section 3): a standing Yellow with no acknowledgement and no later
reply by the coach in its thread after SLA_HOURS is reported once to the coach and their team leader (key: the
audit; only those that crossed within `lookback`)."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from helpdesk.audits.feedback import sla, standing_yellow
from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.notifications.services import notify


def yellow_audits(now: datetime, lookback: timedelta) -> dict:
    """Tell the coach and their team leader about Yellow audits with no follow-up after SLA_HOURS."""
    breach = sla()
    coach = aliased(User)
    audited = aliased(Message)
    followed_up = exists().where(Message.thread_id == audited.thread_id, Message.sent_at > Audit.at,
                                 Message.author_id == Audit.coach_id)
    rows = db.session.execute(
        select(Audit.id, Audit.coach_id, coach.reports_to_id, audited.thread_id, audited.id)
        .join(coach, coach.id == Audit.coach_id)
        .join(audited, audited.id == Audit.message_id)
        .where(standing_yellow(), Audit.acted_at.is_(None),
               Audit.at < now - breach, Audit.at >= now - breach - lookback, ~followed_up)
    ).all()
    sent = 0
    for audit_id, coach_id, leader_id, thread_id, message_id in rows:
        text = (f"A Needs Improvement audit has had no follow-up for over {breach.total_seconds() / 3600:g} h: "
                "reply in the thread or link a better reply.")
        for user_id in filter(None, (coach_id, leader_id)):
            sent += notify(user_id, "audit_overdue", text, f"/threads/{thread_id}#m{message_id}",
                           dedupe_key=f"audit:{audit_id}")
    return {"audit_breaches": sent}
