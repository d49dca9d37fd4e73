"""The collision guard (Help Scout's rule): a reply written while someone else's message arrived is held.

The writer's form (or API call) carries the id of the last message they saw. Before a reply is stored, the
thread's row is locked (SELECT ... FOR UPDATE) and the messages after that one are looked up; if others
wrote any, the reply is not sent and the writer is shown them. Under the lock, two coaches answering the
same message at the same instant cannot both pass: the second sees the first's reply once it commits.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import User
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread


def lock_thread(thread: Thread) -> Thread:
    """Take the thread's row lock for the rest of the transaction (a no-op on SQLite, which has one writer)."""
    return db.session.scalar(select(Thread).where(Thread.id == thread.id).with_for_update()
                             .execution_options(populate_existing=True))


def newer_messages(thread: Thread, writer: User, last_seen_message_id: int | None) -> list[Message]:
    """Messages of `thread` by others after the one the writer last saw, in order; [] without an id.
    Call with the thread locked (lock_thread) so the answer holds until the reply is committed."""
    if last_seen_message_id is None:
        return []
    seen = db.session.scalar(select(Message.id).where(Message.id == last_seen_message_id,
                                                      Message.thread_id == thread.id))
    if seen is None:
        raise Refusal(422, "Not a message of this thread.", "last_seen_message_id")
    return list(db.session.scalars(
        select(Message).options(selectinload(Message.author))
        .where(Message.thread_id == thread.id, Message.id > last_seen_message_id, Message.author_id != writer.id)
        .order_by(Message.sent_at, Message.id)))
