"""Notifications: stored (one, or many in one statement), counted behind the bell, marked read."""

import logging

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from helpdesk.changes import note_change
from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.oplog import actor
from helpdesk.types import UTCDateTime, utcnow
from helpdesk.upsert import dialect_insert

oplog = logging.getLogger("helpdesk.oplog")


def notify(user_id: int, kind: str, text: str, link: str | None = None, dedupe_key: str | None = None) -> bool:
    """Store a notification; with `dedupe_key`, only once per (user, kind, key). Return whether stored."""
    if dedupe_key is not None:
        exists = db.session.scalar(
            select(Notification.id).where(
                Notification.user_id == user_id, Notification.kind == kind, Notification.dedupe_key == dedupe_key
            )
        )
        if exists:
            return False
        try:
            with db.session.begin_nested():
                db.session.add(Notification(user_id=user_id, kind=kind, text=text, link=link, dedupe_key=dedupe_key))
        except IntegrityError:  # another process sent it first
            return False
        return True
    db.session.add(Notification(user_id=user_id, kind=kind, text=text, link=link))
    return True


_INSERT_UNNEST = text(
    "INSERT INTO notifications (user_id, kind, text, link, dedupe_key, created_at) "
    "SELECT u, k, t, l, d, :at FROM unnest(CAST(:user_id AS integer[]), CAST(:kind AS varchar[]), "
    "CAST(:text AS varchar[]), CAST(:link AS varchar[]), CAST(:dedupe_key AS varchar[])) AS x(u, k, t, l, d) "
    "ON CONFLICT DO NOTHING RETURNING user_id").bindparams(bindparam("at", type_=UTCDateTime()))


def notify_many(rows: list[dict]) -> int:
    """Store notifications in one statement (dicts of user_id, kind, text and optionally link, dedupe_key);
    one whose dedupe key is already stored for its user and kind is skipped (INSERT ... ON CONFLICT DO
    NOTHING, so a run at the same time cannot store it twice either). Return how many were stored."""
    if not rows:
        return 0
    rows = [{"link": None, "dedupe_key": None, **row} for row in rows]
    if db.session.get_bind().dialect.name == "postgresql":
        # One statement over arrays: several times faster than multi-row VALUES (6 parameters a row).
        stored_for = db.session.scalars(_INSERT_UNNEST, {"at": utcnow(), **{
            column: [row[column] for row in rows] for column in ("user_id", "kind", "text", "link", "dedupe_key")}
        }).all()
    else:
        stmt = dialect_insert(Notification).on_conflict_do_nothing().returning(Notification.user_id)
        stored_for = db.session.scalars(stmt, rows).all()
    if stored_for:  # the bulk statement bypasses the ORM flush that helpdesk.oplog and the live pages listen to
        user, via = actor()
        oplog.info("oplog op=insert table=notifications count=%d bulk=1 user=%s via=%s", len(stored_for), user, via)
        note_change("bell", set(stored_for))  # each user's open tabs
    return len(stored_for)


def unread_count_column(user_id_column):
    """SQL: how many unread notifications the user in `user_id_column` has (a correlated subquery)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id_column, Notification.read_at.is_(None)).scalar_subquery())


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(unread_count_column(user_id)))


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc()).limit(limit)
    ).all()


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; return how many changed."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    changed = db.session.execute(stmt.values(read_at=utcnow())).rowcount
    if changed:
        note_change("bell", [user_id])  # the user's other tabs
    return changed
