"""Who may see a thread, and posting a message: the rules every inbox page and API call goes through."""

import logging
from datetime import datetime

from sqlalchemy import or_, select

from helpdesk.auth.models import Role, User
from helpdesk.changes import note_change
from helpdesk.clients.coverage import client_id_visible_to, responders_for, visibility
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread, ThreadRead
from helpdesk.inbox.thread_state import refresh_one_thread
from helpdesk.limits import TEXT_LIMITS, check_length
from helpdesk.notifications.services import notify
from helpdesk.oplog import actor
from helpdesk.types import utcnow
from helpdesk.upsert import dialect_insert

oplog = logging.getLogger("helpdesk.oplog")

# `visibility` (who may see which client's threads) is the clients package's rule; the inbox's pages and API
# take it from here with the thread rules.
__all__ = ["mark_read", "post_message", "start_thread", "thread_visible_to", "visibility", "visible_threads"]



class InboxRefusal(Refusal, ValueError):
    """A message or thread refused: a 422 naming the field (`subject`, `body`); str() is "field: why"."""

    def __init__(self, field: str, message: str):
        super().__init__(422, message, field=field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

def visible_client_condition(user: User, client_id_column):
    """SQL condition on a column holding a client id: `user` may see that client's threads."""
    return visibility(user)(client_id_column)


def visible_threads(user: User):
    """A `select(Thread)` of the threads `user` may see (the same rule as thread_visible_to)."""
    return select(Thread).where(visible_client_condition(user, Thread.client_id))


def thread_visible_to(user: User, thread: Thread | None) -> bool:
    """Whether `user` may open `thread`: clients their own; coaches their clients' (and away teammates');
    team leaders their coaches' clients' and unassigned clients'; auditors, support and admins all."""
    return thread is not None and client_id_visible_to(user, thread.client_id)


def mark_read(thread: Thread, user: User, at: datetime | None = None) -> ThreadRead:
    """Record that `user` has read `thread` up to `at` (now): one mark per user and thread, which only moves
    forward. One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE the stored instant is older), so two
    marks at once (two tabs, a post and a read) neither fail on the unique key nor put a mark back."""
    at = at or utcnow()
    insert = dialect_insert(ThreadRead).values(thread_id=thread.id, user_id=user.id, read_at=at)
    moved = db.session.scalar(insert.on_conflict_do_update(
        index_elements=[ThreadRead.thread_id, ThreadRead.user_id], set_={"read_at": insert.excluded.read_at},
        where=or_(ThreadRead.read_at.is_(None), ThreadRead.read_at < insert.excluded.read_at),
    ).returning(ThreadRead.id))
    if moved is not None:  # a statement, not an ORM flush: say it in the operations log here
        who, via = actor()
        oplog.info("oplog op=upsert table=thread_reads count=1 ids=%s user=%s via=%s fields=read_at", moved, who, via)
        note_change("read", [user.id])  # the reader's other tabs: the thread is no longer unread there
    return db.session.scalars(select(ThreadRead).where(ThreadRead.thread_id == thread.id,
                                                       ThreadRead.user_id == user.id)
                              .execution_options(populate_existing=True)).one()


def post_message(thread: Thread, author: User, body: str) -> Message:
    """Store a message sent now; keep the thread's wait (metrics.md section 3) and read marks right;
    notify the coach (or covering team) of a client message, and the client of a staff reply."""
    body = (body or "").strip()
    if not body:
        raise InboxRefusal("body", "a message cannot be empty.")
    check_length("body", body, "message")
    # Two posts at once (a client and a coach) must not each keep the state seen before the other's message
    # (issue #10 item 5): lock the thread row, reload it, take the time under the lock, and recompute the state
    # from the messages as they stand.
    db.session.refresh(thread, ["last_message_at", "waiting_since"], with_for_update=True)
    now = utcnow()
    message = Message(thread_id=thread.id, author_id=author.id, sent_at=now, body=body)
    db.session.add(message)
    db.session.flush()
    refresh_one_thread(thread)
    mark_read(thread, author, now)
    from_client = author.id == thread.client_id
    link = f"/threads/{thread.id}#m{message.id}"
    if from_client:
        for user_id in responders_for(thread.client_id, now.date()):
            notify(user_id, "client_message", f"{author.name} wrote: {thread.subject}"[:500], link,
                   dedupe_key=f"message:{message.id}")
    elif author.role != Role.CLIENT.value:
        notify(thread.client_id, "reply", f"{author.name} replied: {thread.subject}"[:500], link,
               dedupe_key=f"message:{message.id}")
    return message


def start_thread(client: User, subject: str, body: str) -> Thread:
    """A client opens a new thread with their coach (or, without one, the team leaders' unassigned queue)."""
    subject = (subject or "").strip()
    if not subject:
        raise InboxRefusal("subject", "a subject is required.")
    if len(subject) > TEXT_LIMITS["subject"]:
        raise InboxRefusal("subject", f"at most {TEXT_LIMITS['subject']} characters.")
    if not (body or "").strip():
        raise InboxRefusal("body", "a message cannot be empty.")
    thread = Thread(client_id=client.id, subject=subject, created_at=utcnow())
    db.session.add(thread)
    db.session.flush()
    post_message(thread, client, body)
    return thread
