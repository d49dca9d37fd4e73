"""SLA warnings for client waits (metrics.md section 3): past WARN_HOURS the client's coach is warned, past
SLA_HOURS the coach and their team leader are told of a breach; while the coach is away, both also go to the
teammates covering and the team leader (issue #14). Each warning is sent once per person.

Keys use the message that opened the wait, a stable id, so replays of the waits table (which renumber its
rows) never send a warning twice. Only waits that crossed the threshold within LOOKBACK are warned about,
so loading years of history does not flood the bell.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.coverage import covering_teammate_ids
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.sla.models import ResponseWait

LOOKBACK = timedelta(days=7)


def hours_setting(name: str) -> timedelta:
    """A setting in hours (WARN_HOURS, SLA_HOURS) as a timedelta."""
    return timedelta(hours=current_app.config[name])


def client_waits(now: datetime) -> dict:
    """Warn the client's coach (coach_at now) past WARN_HOURS; tell the coach and their team leader past
    SLA_HOURS. Reads the waits table, so bring it up to date first (`update_waits`)."""
    warn, breach = hours_setting("WARN_HOURS"), hours_setting("SLA_HOURS")
    w = ResponseWait
    a = aliased(Assignment)
    coach = aliased(User)
    rows = db.session.execute(
        select(w.opened_by_message_id, w.thread_id, w.wait_start, a.coach_id, coach.reports_to_id)
        .join(a, assignment_covers_sql(now, a, w.client_id))
        .join(coach, coach.id == a.coach_id)
        .where(w.reply_message_id.is_(None), w.wait_start < now - warn, w.wait_start >= now - warn - LOOKBACK)
    ).all()
    sent = {"wait_warnings": 0, "wait_breaches": 0}
    covering: dict[int, list[int] | None] = {}
    for opened_id, thread_id, start, coach_id, leader_id in rows:
        link, key, age = f"/threads/{thread_id}", f"wait:{opened_id}", now - start
        if coach_id not in covering:
            covering[coach_id] = covering_teammate_ids(db.session.get(User, coach_id), now.date())
        # While the coach is away the warning follows coverage: the covering teammates and the team leader too.
        cover = [] if covering[coach_id] is None else [*covering[coach_id], leader_id]
        if age > breach:
            text = f"SLA breach: a client has waited over {breach.total_seconds() / 3600:g} h for a reply."
            for user_id in _unique(coach_id, leader_id, *cover):
                sent["wait_breaches"] += notify(user_id, "sla_breach", text, link, dedupe_key=key)
        else:
            text = f"A client has waited over {warn.total_seconds() / 3600:g} h for your reply."
            for user_id in _unique(coach_id, *cover):
                sent["wait_warnings"] += notify(user_id, "sla_warning", text, link, dedupe_key=key)
    return sent


def _unique(*user_ids) -> list[int]:
    return list(dict.fromkeys(u for u in user_ids if u is not None))
