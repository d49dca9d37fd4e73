"""Recompute threads' `last_message_at` and `waiting_since` from their messages, set-based.

`refresh_one_thread` does the same for the one thread a message was just posted in, in Python.
`waiting_since` is the start of the thread's open wait under the wait rule (metrics.md section 3), taken
from `helpdesk.inbox.waits.waits_sql`, the rule's one SQL form (or, after an import, from the waits that form
just stored: `helpdesk.sla.services.refresh_from_stored_waits`).
"""

from collections.abc import Iterable

from sqlalchemy import Select, exists, func, select, update

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.waits import open_wait_start, waits_of, waits_sql

BATCH = 2000


def refresh_thread_state(thread_ids: Iterable[int] | Select | None = None) -> None:
    """Recompute `last_message_at` and `waiting_since` of the given threads (all threads if None; ids, or a
    SELECT of thread ids, which is done in one statement however many threads it gives). Flushes."""
    db.session.flush()
    if thread_ids is None or isinstance(thread_ids, Select):
        _refresh(thread_ids)
        expire_loaded(None)
        return
    ids = sorted(set(thread_ids))
    for start in range(0, len(ids), BATCH):
        _refresh(ids[start:start + BATCH])
    expire_loaded(ids)


def refresh_one_thread(thread: Thread) -> None:
    """Set one thread's `last_message_at` and `waiting_since` from its messages (the wait rule's Python form,
    `helpdesk.inbox.waits.waits_of`). Flushes."""
    messages = db.session.execute(
        select(Message.id, Message.sent_at, Message.author_id, User.role).join(User, User.id == Message.author_id)
        .where(Message.thread_id == thread.id)).all()
    thread.last_message_at = max((sent_at for _, sent_at, _, _ in messages), default=None)
    thread.waiting_since = open_wait_start(waits_of(thread.client_id, messages))
    db.session.flush()


def _refresh(ids: list[int] | Select | None) -> None:
    # Two UPDATEs, not one over "last activity LEFT JOIN open wait": the planner estimates the open waits
    # (window functions, then filters) at about one row, and with current statistics it joined them to the
    # threads' last activity by a nested loop over every pair: 866 M comparisons, 58 s for an import's 44,092
    # threads (issue #15, bench/RESULTS.md). Alone, each statement joins one small side to `threads` by its key.
    last = select(Message.thread_id, func.max(Message.sent_at).label("last_at")).group_by(Message.thread_id)
    if ids is not None:
        last = last.where(Message.thread_id.in_(ids))
    last = last.subquery("last")
    db.session.execute(
        update(Thread).where(Thread.id == last.c.thread_id)
        .values(last_message_at=last.c.last_at, waiting_since=None)
        .execution_options(synchronize_session=False))
    w = waits_sql(ids)
    open_waits = select(w.c.thread_id, w.c.wait_start).where(w.c.reply_message_id.is_(None)).subquery("open_waits")
    db.session.execute(
        update(Thread).where(Thread.id == open_waits.c.thread_id)
        .values(waiting_since=open_waits.c.wait_start)
        .execution_options(synchronize_session=False))
    empty = (update(Thread).where(~exists().where(Message.thread_id == Thread.id))
             .where(Thread.last_message_at.is_not(None) | Thread.waiting_since.is_not(None))
             .values(last_message_at=None, waiting_since=None))
    if ids is not None:
        empty = empty.where(Thread.id.in_(ids))
    db.session.execute(empty.execution_options(synchronize_session=False))


def expire_loaded(ids: list[int] | None) -> None:
    """Threads already loaded in the session must not keep the values the UPDATE replaced."""
    wanted = None if ids is None else set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Thread) and (wanted is None or obj.id in wanted):
            db.session.expire(obj, ["last_message_at", "waiting_since"])
