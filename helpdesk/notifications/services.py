"""Notifications: stored, counted behind the bell, marked read."""

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow


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
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount
