"""The wait rule of metrics.md section 3, in one place: SQL for many threads, a Python twin for one.

Within a thread, order the messages by (sent_at, id). A message by the thread's client opens a wait if none is
open; the first later message by a staff member (any non-client user) closes it, and the wait is credited to
that replier; other clients' messages do nothing. A wait still open has no reply.

`waits_sql` gives every wait of many threads (the SLA job's response_waits, the threads' `waiting_since`);
`waits_of` replays one thread in Python (posting a message). `tests/inbox/test_waits.py` checks on random
threads that the two agree.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, and_, case, func, select

from helpdesk.auth.models import Role, User
from helpdesk.inbox.models import Message, Thread


@dataclass(frozen=True)
class ThreadWait:
    """One wait: opened by a client message, closed by the first later staff message (reply None while open)."""

    opened_by_message_id: int
    wait_start: datetime
    reply_message_id: int | None = None
    replied_at: datetime | None = None
    replied_by_id: int | None = None


def waits_of(client_id: int, messages: Iterable[tuple[int, datetime, int, str]]) -> list[ThreadWait]:
    """The waits of one thread whose client is `client_id`, from its messages as (id, sent_at, author id,
    author role) in any order; oldest first."""
    waits: list[ThreadWait] = []
    current: ThreadWait | None = None
    for message_id, sent_at, author_id, role in sorted(messages, key=lambda m: (m[1], m[0])):
        if author_id == client_id:
            if current is None:
                current = ThreadWait(message_id, sent_at)
        elif role != Role.CLIENT.value and current is not None:
            waits.append(replace(current, reply_message_id=message_id, replied_at=sent_at, replied_by_id=author_id))
            current = None
    if current is not None:
        waits.append(current)
    return waits


def open_wait_start(waits: list[ThreadWait]) -> datetime | None:
    """When the thread's open wait started (its `waiting_since`), or None if every wait is answered."""
    return waits[-1].wait_start if waits and waits[-1].reply_message_id is None else None


def waits_sql(thread_ids: Iterable[int] | Select | None = None):
    """Subquery of the waits of these threads (all if None; ids, or a SELECT of thread ids), columns thread_id,
    client_id, opened_by_message_id, wait_start, reply_message_id, replied_at, replied_by_id (the last three NULL
    while open).

    Set-based: number each message by the staff messages strictly before it (g). The client's messages with the
    same g are one run with no staff message between them; the run's first opens a wait, and the staff message
    whose own g equals the run's (the first staff message after it) closes it."""
    opens = case((Message.author_id == Thread.client_id, 1), else_=0)
    staff = case((and_(Message.author_id != Thread.client_id, User.role != Role.CLIENT.value), 1), else_=0)
    in_order = (Message.sent_at, Message.id)
    staff_before = func.sum(staff).over(partition_by=Message.thread_id, order_by=in_order, rows=(None, 0)) - staff
    numbered = (select(Message.thread_id, Thread.client_id, Message.id.label("message_id"), Message.sent_at,
                       Message.author_id, opens.label("opens"), staff.label("staff"), staff_before.label("g"))
                .join(Thread, Thread.id == Message.thread_id).join(User, User.id == Message.author_id))
    if thread_ids is not None:
        numbered = numbered.where(Message.thread_id.in_(
            thread_ids if isinstance(thread_ids, Select) else list(thread_ids)))
    m = numbered.subquery("numbered")
    first_of_run = func.row_number().over(partition_by=(m.c.thread_id, m.c.g), order_by=(m.c.sent_at, m.c.message_id))
    runs = (select(m.c.thread_id, m.c.client_id, m.c.message_id, m.c.sent_at, m.c.g, first_of_run.label("nth"))
            .where(m.c.opens == 1).subquery("runs"))
    reply = m.alias("reply")
    return (
        select(runs.c.thread_id, runs.c.client_id, runs.c.message_id.label("opened_by_message_id"),
               runs.c.sent_at.label("wait_start"), reply.c.message_id.label("reply_message_id"),
               reply.c.sent_at.label("replied_at"), reply.c.author_id.label("replied_by_id"))
        .outerjoin(reply, and_(reply.c.thread_id == runs.c.thread_id, reply.c.staff == 1, reply.c.g == runs.c.g))
        .where(runs.c.nth == 1)
        .subquery("waits")
    )
