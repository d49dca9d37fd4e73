"""What the thread page and API show: messages in order, the client's other threads, read receipts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import coach_id_at_sql
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread, ThreadRead
from helpdesk.types import utcnow

# Whose read marks the client sees ("Read by your coach (name) at ...", or the name of whoever else read it).
RECEIPT_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)


def thread_messages(thread: Thread) -> list[Message]:
    """The conversation in order (sent_at, id), with authors loaded."""
    return list(db.session.scalars(
        select(Message).options(selectinload(Message.author)).where(Message.thread_id == thread.id)
        .order_by(Message.sent_at, Message.id)))


def other_threads(thread: Thread, limit: int = 20) -> list[Thread]:
    """The same client's other threads, newest activity first."""
    newest = func.coalesce(Thread.last_message_at, Thread.created_at)
    return list(db.session.scalars(
        select(Thread).where(Thread.client_id == thread.client_id, Thread.id != thread.id)
        .order_by(newest.desc(), Thread.id.desc()).limit(limit)))


@dataclass(frozen=True)
class ReadReceipt:
    """Who of the staff read the thread last, and whether that is the client's coach (not a teammate
    covering for them or the team leader)."""

    name: str
    read_at: datetime
    by_their_coach: bool


def read_receipt(thread: Thread) -> ReadReceipt | None:
    """The latest read mark by a coach or team leader, or None."""
    row = db.session.execute(
        select(User.name, ThreadRead.read_at,
               (User.id == coach_id_at_sql(thread.client_id, utcnow())).label("by_their_coach"))
        .join(User, User.id == ThreadRead.user_id)
        .where(ThreadRead.thread_id == thread.id, User.role.in_(RECEIPT_ROLES))
        .order_by(ThreadRead.read_at.desc()).limit(1)).first()
    return ReadReceipt(row.name, row.read_at, bool(row.by_their_coach)) if row else None
