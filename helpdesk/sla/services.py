"""Keeping `ResponseWait` rows true to metrics.md section 3: incrementally, or by a full recompute.

Both paths replay a thread's messages in `(sent_at, id)` order from some position onward; a replay
from any position gives the rows a replay from the thread's first message would, so the incremental
job (cost: the messages since its last run) and the full recompute agree row for row.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, delete, func, insert, or_, select, update

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.sla.models import ResponseWait, SlaCursor

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BATCH = 1000


def to_us(instant: datetime) -> int:
    """Microseconds since the epoch of an aware instant, exactly."""
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _thread_messages(thread_id=None):
    """Messages (thread, client, id, sent_at, author, author role) in replay order, optionally from a position."""
    query = (
        select(Message.thread_id, Thread.client_id, Message.id, Message.sent_at, Message.author_id, User.role)
        .join(Thread, Thread.id == Message.thread_id)
        .join(User, User.id == Message.author_id)
        .order_by(Message.thread_id, Message.sent_at, Message.id)
    )
    if thread_id is not None:
        query = query.where(Message.thread_id == thread_id)
    return query


def _replay(rows, open_wait: ResponseWait | None = None) -> int:
    """Replay message rows (ordered by thread, sent_at, id); insert new waits and close open ones.

    `open_wait` is the wait already stored and open just before the first row (same thread).
    Return how many messages were replayed.
    """
    pending: list[dict] = []
    current: dict | None = None   # the open wait of the current thread, not stored yet
    current_thread = None
    count = 0

    def flush_pending():
        if pending:
            db.session.execute(insert(ResponseWait), pending)
            pending.clear()

    for thread_id, client_id, message_id, sent_at, author_id, role in rows:
        count += 1
        if thread_id != current_thread:
            if current is not None:
                pending.append(current)
            current, current_thread = None, thread_id
        if author_id == client_id:
            if current is None and open_wait is None:
                current = {"thread_id": thread_id, "client_id": client_id, "opened_by_message_id": message_id,
                           "wait_start": sent_at, "start_us": to_us(sent_at), "reply_message_id": None,
                           "replied_at": None, "reply_us": None, "replied_by_id": None}
        elif role != "client":
            if open_wait is not None:
                db.session.execute(update(ResponseWait).where(ResponseWait.id == open_wait.id).values(
                    reply_message_id=message_id, replied_at=sent_at, reply_us=to_us(sent_at),
                    replied_by_id=author_id))
                open_wait = None
            elif current is not None:
                current.update(reply_message_id=message_id, replied_at=sent_at, reply_us=to_us(sent_at),
                               replied_by_id=author_id)
                pending.append(current)
                current = None
        if len(pending) >= _BATCH:
            flush_pending()
    if current is not None:
        pending.append(current)
    flush_pending()
    return count


def replay_thread_from(thread_id: int, from_us: int, from_id: int = 0) -> int:
    """Recompute the waits of one thread from message position (from_us, from_id) onward."""
    after = or_(ResponseWait.start_us > from_us,
                and_(ResponseWait.start_us == from_us, ResponseWait.opened_by_message_id >= from_id))
    db.session.execute(delete(ResponseWait).where(ResponseWait.thread_id == thread_id, after))
    last = db.session.scalars(
        select(ResponseWait).where(ResponseWait.thread_id == thread_id)
        .order_by(ResponseWait.start_us.desc(), ResponseWait.opened_by_message_id.desc()).limit(1)
    ).first()
    open_wait = None
    if last is not None:
        reply_after = last.reply_us is None or last.reply_us > from_us or (
            last.reply_us == from_us and last.reply_message_id >= from_id)
        if reply_after:
            db.session.execute(update(ResponseWait).where(ResponseWait.id == last.id).values(
                reply_message_id=None, replied_at=None, reply_us=None, replied_by_id=None))
            open_wait = last
    from_at = _from_us(from_us)
    query = _thread_messages(thread_id).where(
        or_(Message.sent_at > from_at, and_(Message.sent_at == from_at, Message.id >= from_id)))
    return _replay(db.session.execute(query), open_wait)


def _from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _cursor() -> SlaCursor:
    cursor = db.session.scalars(select(SlaCursor).where(SlaCursor.id == 1).with_for_update()).first()
    if cursor is None:
        cursor = SlaCursor(id=1, last_message_id=0, previous_message_id=0)
        db.session.add(cursor)
        db.session.flush()
    return cursor


def update_waits() -> dict:
    """Bring the waits up to date with the messages stored since the last run; return what it did."""
    cursor = _cursor()
    low = cursor.previous_message_id
    top = db.session.scalar(select(func.max(Message.id))) or 0
    touched = db.session.execute(
        select(Message.thread_id, func.min(Message.sent_at).label("first"))
        .where(Message.id > low, Message.id <= top).group_by(Message.thread_id)
    ).all()
    replayed = 0
    for thread_id, first in touched:
        first = first if first.tzinfo is not None else first.replace(tzinfo=UTC)
        replayed += replay_thread_from(thread_id, to_us(first))
    cursor.previous_message_id, cursor.last_message_id = cursor.last_message_id, max(top, cursor.last_message_id)
    db.session.flush()
    return {"threads": len(touched), "messages": replayed}


def recompute_waits(since: date | None = None) -> dict:
    """Rebuild the waits from the messages: all of them, or every thread's from `since` on."""
    top = db.session.scalar(select(func.max(Message.id))) or 0
    if since is None:
        db.session.execute(delete(ResponseWait))
        rows = db.session.execute(_thread_messages().execution_options(yield_per=_BATCH))
        replayed = _replay(rows)
        threads = None
    else:
        since_at = datetime(since.year, since.month, since.day, tzinfo=UTC)
        thread_ids = db.session.scalars(
            select(Message.thread_id).where(Message.sent_at >= since_at).distinct()).all()
        replayed = sum(replay_thread_from(tid, to_us(since_at)) for tid in thread_ids)
        threads = len(thread_ids)
    cursor = _cursor()
    cursor.previous_message_id = cursor.last_message_id = top
    db.session.flush()
    return {"threads": threads, "messages": replayed}
