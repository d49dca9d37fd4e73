"""SLA warnings for client waits (metrics.md section 3): past WARN_HOURS the client's coach is warned, past
SLA_HOURS the coach and their team leader are told of a breach; while the coach is away, both also go to the
teammates covering and the team leader (issue #14). Each warning is sent once per person.

The coach and the covering teammates get one notification per thread, naming the client and the thread
("Freya Silva has waited over 20 h in “Verifying my identity”"); the team leader gets one per run, naming
the clients, when several of their team's waits fall due at once (issue #14: repeats are grouped).

A run reads only the waits whose warning fell due since the last run (`helpdesk.notifications.scans`), on
the index of `start_us`; waits stored since (a late message, an import) are read by id. Keys use the message
that opened the wait, a stable id, so replays of the waits table (which renumber its rows) never send a
warning twice. Only waits that crossed the threshold within LOOKBACK are warned about, so loading years of
history does not flood the bell.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.coverage import covering_teammate_ids, on_vacation
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.notifications.scans import claim, hours, names, open_window, read_due
from helpdesk.notifications.services import notify_many
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import to_us

LOOKBACK = timedelta(days=7)


def hours_setting(name: str) -> timedelta:
    """A setting in hours (WARN_HOURS, SLA_HOURS) as a timedelta."""
    return timedelta(hours=current_app.config[name])


def client_waits(now: datetime, lookback: timedelta = LOOKBACK) -> dict:
    """Warn the client's coach (coach_at now) past WARN_HOURS; tell the coach and their team leader past
    SLA_HOURS. Reads the waits table, so bring it up to date first (`update_waits`)."""
    warn, breach = hours_setting("WARN_HOURS"), hours_setting("SLA_HOURS")
    window = open_window("client_waits", now, lookback, ResponseWait.id)
    covering = _coverage(now)
    breaches = _due_waits(window, breach)
    # A wait already past SLA_HOURS when first seen (a first run, after downtime) gets its breach only.
    warnings = [row for row in _due_waits(window, warn) if row.start_us >= to_us(now - breach)]
    return {"wait_breaches": _announce("sla_breach", breaches, breach, covering),
            "wait_warnings": _announce("sla_warning", warnings, warn, covering)}


def _coverage(now: datetime):
    """coach id -> covering_teammate_ids(coach, today), asked once per coach, and only of the coaches away
    today (for any other it is None): one query for the whole run instead of three per coach."""
    away = set(db.session.scalars(select(Vacation.coach_id).where(on_vacation(now.date()))))
    known: dict[int, list[int] | None] = {}

    def covering(coach_id: int) -> list[int] | None:
        if coach_id not in away:
            return None
        if coach_id not in known:
            known[coach_id] = covering_teammate_ids(db.session.get(User, coach_id), now.date())
        return known[coach_id]

    return covering


def _due_waits(window, after: timedelta) -> list:
    """Open waits whose `after` fell due in the window, with coach_at(now), their team leader, the client's
    name and the thread's subject."""
    w, a = ResponseWait, aliased(Assignment)
    coach, client = aliased(User), aliased(User)

    def branch(condition):
        return (select(w.opened_by_message_id, w.thread_id, w.wait_start, w.start_us, a.coach_id,
                       coach.reports_to_id.label("leader_id"), client.name.label("client_name"), Thread.subject)
                .join(a, assignment_covers_sql(window.now, a, w.client_id))
                .join(coach, coach.id == a.coach_id)
                .join(client, client.id == w.client_id)
                .join(Thread, Thread.id == w.thread_id)
                .where(w.reply_message_id.is_(None), condition))

    return read_due([branch(c) for c in window.newly_due(w.start_us, after, w.id, stored=to_us)],
                    "start_us", "opened_by_message_id")


def _announce(kind: str, rows: list, after: timedelta, covering) -> int:
    """Claim each wait's `kind`, then notify: per thread to the coach (and the covering teammates while the
    coach is away), and to the team leader (for a breach always, for a warning while the coach is away)
    per thread, or grouped when several fall due in one run. Return how many notifications were stored."""
    claimed = claim(kind, {row.opened_by_message_id: row.wait_start + after for row in rows})
    notes, for_leader = [], defaultdict(list)
    for row in rows:
        if row.opened_by_message_id not in claimed:
            continue
        cover = covering(row.coach_id)
        text = _text(kind, row, after)
        key, link = f"wait:{row.opened_by_message_id}", f"/threads/{row.thread_id}"
        for user_id in [row.coach_id, *(cover or [])]:
            notes.append({"user_id": user_id, "kind": kind, "text": text, "link": link, "dedupe_key": key})
        if row.leader_id is not None and (kind == "sla_breach" or cover is not None):
            for_leader[row.leader_id].append((row, text, link, key))
    for leader_id, items in for_leader.items():
        if len(items) == 1:
            (_, text, link, key), = items
            notes.append({"user_id": leader_id, "kind": kind, "text": text, "link": link, "dedupe_key": key})
        else:
            notes.append({"user_id": leader_id, "kind": kind, "text": _grouped_text(kind, items, after),
                          "link": "/inbox?view=breached" if kind == "sla_breach" else "/inbox?view=waiting"})
    return notify_many(notes)


def _text(kind: str, row, after: timedelta) -> str:
    who, subject = row.client_name[:150], (row.subject or "(no subject)")[:200]
    if kind == "sla_breach":
        return f"SLA breach: {who} has waited over {hours(after)} h for a reply in “{subject}”."
    return f"{who} has waited over {hours(after)} h for your reply in “{subject}”."


def _grouped_text(kind: str, items: list, after: timedelta) -> str:
    clients = names([row.client_name[:60] for row, *_ in items])
    if kind == "sla_breach":
        return f"SLA breach: {len(items)} clients of your team have waited over {hours(after)} h for a reply: {clients}."
    return f"{len(items)} clients of your away coaches have waited over {hours(after)} h for a reply: {clients}."
