"""Giving a client a coach, without overlapping assignments, and who may do it (the unassigned queue's
page and API, which show waiting threads, are the inbox's: `helpdesk.inbox.unassigned`)."""

from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import assignment_at
from helpdesk.clients.feedback import Refused
from helpdesk.clients.models import Assignment
from helpdesk.clients.services import client_visible_to
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

QUEUE_ROLES = (Role.TEAM_LEADER.value, Role.ADMIN.value)


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
