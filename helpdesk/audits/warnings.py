"""Audit follow-up's 24 h rule (metrics.md section 3): a standing Yellow with no acknowledgement and no later
reply by the coach in its thread after SLA_HOURS is reported once to the coach and their team leader (key: the
audit; only those that crossed within `lookback`). A run reads only the Yellows whose 24 h fell since the last
run, or stored since (`helpdesk.notifications.scans`, on ix_audits_color_at), and stores its notifications
in one statement."""

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from helpdesk.audits.feedback import sla, standing_yellow
from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.inbox.models import Message
from helpdesk.notifications.scans import hours, open_window, read_due
from helpdesk.notifications.services import notify_many


def yellow_audits(now: datetime, lookback: timedelta) -> dict:
    """Tell the coach and their team leader about Yellow audits with no follow-up after SLA_HOURS."""
    breach = sla()
    coach = aliased(User)
    audited = aliased(Message)
    followed_up = exists().where(Message.thread_id == audited.thread_id, Message.sent_at > Audit.at,
                                 Message.author_id == Audit.coach_id)
    window = open_window("yellow_audits", now, lookback, Audit.id)

    def branch(condition):
        return (select(Audit.id, Audit.coach_id, coach.reports_to_id, audited.thread_id, audited.id.label("message_id"))
                .join(coach, coach.id == Audit.coach_id)
                .join(audited, audited.id == Audit.message_id)
                .where(standing_yellow(), Audit.acted_at.is_(None), condition, ~followed_up))

    rows = read_due([branch(c) for c in window.newly_due(Audit.at, breach, Audit.id)], "id")
    text = (f"A Needs Improvement audit has had no follow-up for over {hours(breach)} h: "
            "reply in the thread or link a better reply.")
    return {"audit_breaches": notify_many([
        {"user_id": user_id, "kind": "audit_overdue", "text": text, "link": f"/threads/{thread_id}#m{message_id}",
         "dedupe_key": f"audit:{audit_id}"}
        for audit_id, coach_id, leader_id, thread_id, message_id in rows
        for user_id in dict.fromkeys(filter(None, (coach_id, leader_id)))])}
