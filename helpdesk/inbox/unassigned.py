"""The team leaders' unassigned queue: clients without a coach, oldest open wait first, with their waiting
threads. Who may assign, and assigning, are the clients package's (`helpdesk.clients.assignments`); this
module adds the threads, which are the inbox's."""

from datetime import datetime

from sqlalchemy import exists, func, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.assignments import QUEUE_ROLES
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.types import utcnow


def unassigned_clients(viewer: User, at: datetime | None = None):
    """A select of the clients with no coach at `at`: oldest open wait first, then those not waiting."""
    if viewer.role not in QUEUE_ROLES:
        raise PermissionError("only team leaders and admins work the unassigned queue")
    at = at or utcnow()
    has_coach = exists(select(Assignment.id).where(assignment_covers_sql(at, client_id=User.id)).correlate(User))
    oldest_wait = (
        select(func.min(Thread.waiting_since)).where(Thread.client_id == User.id).correlate(User).scalar_subquery()
    )
    return (
        select(User)
        .where(User.role == Role.CLIENT.value, User.active.is_(True), ~has_coach)
        .order_by(oldest_wait.is_(None), oldest_wait, User.created_at, User.id)
    )


def waiting_threads_of(client_ids: list[int]) -> dict[int, list[Thread]]:
    """The waiting threads of these clients, oldest wait first, keyed by client id."""
    found: dict[int, list[Thread]] = {cid: [] for cid in client_ids}
    if not client_ids:
        return found
    rows = db.session.scalars(
        select(Thread).where(Thread.client_id.in_(client_ids), Thread.waiting_since.is_not(None))
        .order_by(Thread.waiting_since, Thread.id)
    )
    for thread in rows:
        found[thread.client_id].append(thread)
    return found
