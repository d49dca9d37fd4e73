"""The unassigned queue and giving a client a coach, without overlapping assignments."""

from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import exists, func, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import assignment_at, assignment_covers_sql
from helpdesk.clients.feedback import Refused
from helpdesk.clients.models import Assignment
from helpdesk.clients.services import client_visible_to
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

QUEUE_ROLES = (Role.TEAM_LEADER.value, Role.ADMIN.value)


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


def assignable_coaches(viewer: User):
    """A select of the coaches `viewer` may assign: a team leader's own team; any active coach for an admin."""
    stmt = select(User).where(User.role == Role.COACH.value, User.active.is_(True)).order_by(User.name, User.id)
    if viewer.role == Role.ADMIN.value:
        return stmt
    if viewer.role == Role.TEAM_LEADER.value:
        return stmt.where(User.reports_to_id == viewer.id)
    return stmt.where(False)


def assign_coach(viewer: User, client: User, coach: User | None, at: datetime | None = None) -> Assignment:
    """Give `client` the coach `coach` from `at` (default now), ending any current assignment at that instant.

    LookupError if `viewer` may not see the client; ValueError if the coach is not one they may assign;
    Refused if the coach is already the client's, or a later assignment is already scheduled."""
    if viewer.role not in QUEUE_ROLES or not client_visible_to(viewer, client):
        raise LookupError("no such client")
    allowed = coach is not None and db.session.scalar(
        assignable_coaches(viewer).where(User.id == coach.id).with_only_columns(User.id)
    )
    if not allowed:
        raise ValueError("Choose a coach from your team.")
    at = at or utcnow()
    # Lock the client so two leaders assigning at once cannot both see "no coach" (PostgreSQL).
    db.session.execute(select(User.id).where(User.id == client.id).with_for_update())
    current = assignment_at(client.id, at)
    if current is not None and current.coach_id == coach.id:
        raise Refused(f"{client.name} is already assigned to {coach.name}.")
    later = db.session.scalar(
        select(Assignment).where(Assignment.client_id == client.id, Assignment.starts_at > at)
        .order_by(Assignment.starts_at).limit(1)
    )
    if later is not None:
        raise Refused(f"{client.name} already has an assignment starting {later.starts_at:%Y-%m-%d %H:%M} UTC.")
    if current is not None:
        if current.starts_at == at:  # began this very instant: replace it rather than leave an empty interval
            db.session.delete(current)
        else:
            current.ends_at = at
        db.session.flush()
    assignment = Assignment(client_id=client.id, coach_id=coach.id, starts_at=at, ends_at=None)
    db.session.add(assignment)
    db.session.flush()
    notify(coach.id, "client_assigned", f"{client.name} is now your client.", _link("inbox.index"),
           dedupe_key=f"assignment-{assignment.id}")
    notify(client.id, "coach_assigned", f"{coach.name} is now your coach.", _link("inbox.client_home"),
           dedupe_key=f"assignment-{assignment.id}")
    return assignment


def _link(endpoint: str) -> str | None:
    """A site-relative link to a page of another feature, if that page exists; works outside a request (CLI, jobs)."""
    if endpoint not in current_app.view_functions:
        return None
    if has_request_context():
        return url_for(endpoint)
    return current_app.url_map.bind("localhost").build(endpoint)
