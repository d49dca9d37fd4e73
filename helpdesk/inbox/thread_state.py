"""Recompute threads' `last_message_at` and `waiting_since` from their messages, set-based.

The wait follows metrics.md section 3: within a thread, messages ordered by (sent_at, id); a message by
the thread's client opens a wait if none is open, the first later message by any non-client user closes
it, other clients' messages do nothing. A wait is open now exactly when some message of the thread's
client has no staff message after it; it started at the first such message.
"""

from collections.abc import Iterable

from sqlalchemy import and_, case, exists, func, select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread

BATCH = 2000


def refresh_thread_state(thread_ids: Iterable[int] | None = None) -> None:
    """Recompute `last_message_at` and `waiting_since` of the given threads (all threads if None). Flushes."""
    db.session.flush()
    if thread_ids is None:
        _refresh(None)
        ids = None
    else:
        ids = sorted(set(thread_ids))
        for start in range(0, len(ids), BATCH):
            _refresh(ids[start:start + BATCH])
    _expire_loaded(ids)


def _refresh(ids: list[int] | None) -> None:
    staff = case((User.role != Role.CLIENT.value, 1), else_=0)
    by_client = case((Message.author_id == Thread.client_id, 1), else_=0)
    # Staff messages at or after this one, in (sent_at, id) order.
    staff_from_here = func.sum(staff).over(partition_by=Message.thread_id,
                                           order_by=(Message.sent_at.desc(), Message.id.desc()), rows=(None, 0))
    per_message = (select(Message.thread_id.label("thread_id"), Message.sent_at.label("sent_at"),
                          by_client.label("by_client"), staff_from_here.label("staff_after"))
                   .join(Thread, Thread.id == Message.thread_id).join(User, User.id == Message.author_id))
    if ids is not None:
        per_message = per_message.where(Message.thread_id.in_(ids))
    m = per_message.subquery()
    open_wait = case((and_(m.c.by_client == 1, m.c.staff_after == 0), m.c.sent_at))
    stats = (select(m.c.thread_id, func.max(m.c.sent_at).label("last_at"), func.min(open_wait).label("waiting"))
             .group_by(m.c.thread_id).subquery())
    db.session.execute(
        update(Thread).where(Thread.id == stats.c.thread_id)
        .values(last_message_at=stats.c.last_at, waiting_since=stats.c.waiting)
        .execution_options(synchronize_session=False))
    empty = (update(Thread).where(~exists().where(Message.thread_id == Thread.id))
             .where(Thread.last_message_at.is_not(None) | Thread.waiting_since.is_not(None))
             .values(last_message_at=None, waiting_since=None))
    if ids is not None:
        empty = empty.where(Thread.id.in_(ids))
    db.session.execute(empty.execution_options(synchronize_session=False))


def _expire_loaded(ids: list[int] | None) -> None:
    """Threads already loaded in the session must not keep the values the UPDATE replaced."""
    wanted = None if ids is None else set(ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Thread) and (wanted is None or obj.id in wanted):
            db.session.expire(obj, ["last_message_at", "waiting_since"])
