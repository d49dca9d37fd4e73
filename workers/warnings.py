"""SLA warnings (every 5 minutes): client waits past WARN_HOURS and SLA_HOURS, moderation items and
Yellow audits past SLA_HOURS. Each warning is sent once: its dedupe key names the item, not the run.

Keys use stable ids (the message that opened a wait, the listing, the audit), so replays of the
waits table, which renumber its rows, never send a warning twice. Only items that crossed their
threshold within LOOKBACK are warned about, so loading years of history does not flood the bell.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.jobs import report_progress
from helpdesk.moderation.models import Listing
from helpdesk.notifications.services import notify
from helpdesk.sla.models import ResponseWait
from helpdesk.types import utcnow

LOOKBACK = timedelta(days=7)


def _hours(name: str) -> timedelta:
    return timedelta(hours=current_app.config[name])


def _staff_reply_since(thread_id_col, since_col, author_id=None):
    """SQL: a staff message (or one by `author_id`) in the thread after `since`."""
    author = aliased(User)
    cond = [Message.thread_id == thread_id_col, Message.sent_at > since_col, author.id == Message.author_id]
    cond.append(author.role != "client" if author_id is None else Message.author_id == author_id)
    return exists().where(*cond)


def client_waits(now: datetime) -> dict:
    """Warn the coach past WARN_HOURS; tell the coach and their team leader past SLA_HOURS."""
    warn, breach = _hours("WARN_HOURS"), _hours("SLA_HOURS")
    w = ResponseWait
    a = aliased(Assignment)
    coach = aliased(User)
    rows = db.session.execute(
        select(w.opened_by_message_id, w.thread_id, w.wait_start, a.coach_id, coach.reports_to_id)
        .join(a, and_(a.client_id == w.client_id, a.starts_at <= now, or_(a.ends_at.is_(None), a.ends_at > now)))
        .join(coach, coach.id == a.coach_id)
        .where(w.reply_message_id.is_(None), w.wait_start < now - warn, w.wait_start >= now - warn - LOOKBACK,
               ~_staff_reply_since(w.thread_id, w.wait_start))
    ).all()
    sent = {"wait_warnings": 0, "wait_breaches": 0}
    for opened_id, thread_id, start, coach_id, leader_id in rows:
        link, key, age = f"/threads/{thread_id}", f"wait:{opened_id}", now - start
        if age > breach:
            text = f"SLA breach: a client has waited over {breach.total_seconds() / 3600:g} h for a reply."
            for user_id in filter(None, (coach_id, leader_id)):
                sent["wait_breaches"] += notify(user_id, "sla_breach", text, link, dedupe_key=key)
        else:
            text = f"A client has waited over {warn.total_seconds() / 3600:g} h for your reply."
            sent["wait_warnings"] += notify(coach_id, "sla_warning", text, link, dedupe_key=key)
    return sent


def pending_listings(now: datetime) -> dict:
    """Tell team leaders and admins about listings waiting over SLA_HOURS for a first decision."""
    breach = _hours("SLA_HOURS")
    listings = db.session.execute(
        select(Listing.id, Listing.title).where(
            Listing.status == "pending", Listing.first_decision_at.is_(None),
            Listing.submitted_at < now - breach, Listing.submitted_at >= now - breach - LOOKBACK)
    ).all()
    leaders = db.session.scalars(
        select(User.id).where(User.role.in_(("team_leader", "admin")), User.active.is_(True))).all() if listings else []
    sent = 0
    for listing_id, title in listings:
        text = f"Listing “{title[:200]}” has waited over {breach.total_seconds() / 3600:g} h for moderation."
        for user_id in leaders:
            sent += notify(user_id, "moderation_breach", text, f"/listings/{listing_id}",
                           dedupe_key=f"listing:{listing_id}")
    return {"listing_breaches": sent}


def yellow_audits(now: datetime) -> dict:
    """Tell the coach and their team leader about Yellow audits with no follow-up after SLA_HOURS."""
    breach = _hours("SLA_HOURS")
    coach = aliased(User)
    audited = aliased(Message)
    rows = db.session.execute(
        select(Audit.id, Audit.coach_id, coach.reports_to_id, audited.thread_id, audited.id)
        .join(coach, coach.id == Audit.coach_id)
        .join(audited, audited.id == Audit.message_id)
        .where(Audit.color == "yellow", Audit.acted_at.is_(None),
               or_(Audit.resolution.is_(None), Audit.resolution != "overturned"),
               Audit.at < now - breach, Audit.at >= now - breach - LOOKBACK,
               ~_staff_reply_since(audited.thread_id, Audit.at, author_id=Audit.coach_id))
    ).all()
    sent = 0
    for audit_id, coach_id, leader_id, thread_id, message_id in rows:
        text = (f"A Needs Improvement audit has had no follow-up for over {breach.total_seconds() / 3600:g} h: "
                "reply in the thread or link a better reply.")
        for user_id in filter(None, (coach_id, leader_id)):
            sent += notify(user_id, "audit_overdue", text, f"/threads/{thread_id}#m{message_id}",
                           dedupe_key=f"audit:{audit_id}")
    return {"audit_breaches": sent}


def send_sla_warnings(now_iso: str | None = None) -> dict:
    """Bring the waits up to date, send every warning now due (each once), commit; return counts."""
    from helpdesk.sla.services import update_waits

    now = datetime.fromisoformat(now_iso) if now_iso else utcnow()
    update_waits()
    result = {**client_waits(now), **pending_listings(now), **yellow_audits(now)}
    db.session.commit()
    report_progress(100, f"{sum(result.values())} warning(s) sent")
    return result
