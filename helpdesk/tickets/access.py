"""Who may do what with tickets: roles, the one visibility rule (and its SQL twin), who triages."""

from sqlalchemy import exists, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.errors import Refusal
from helpdesk.tickets.models import Ticket

FILER_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)
TICKET_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value, Role.SUPPORT.value, Role.ADMIN.value)
SEE_ALL_ROLES = (Role.SUPPORT.value, Role.ADMIN.value)
STAFF_TICKET_ROLES = (Role.TEAM_LEADER.value, Role.SUPPORT.value, Role.ADMIN.value)
ASSIGNEE_ROLES = (Role.SUPPORT.value, Role.TEAM_LEADER.value)


# The largest id an INTEGER column holds: a bigger one in a URL or a body names no row (and must not reach SQL).
MAX_ID = 2**31 - 1


def row_or_none(model, row_id: int | None):
    """The row of `model` with `row_id`, or None (also for an id no row can have)."""
    from helpdesk.extensions import db

    return db.session.get(model, row_id) if row_id is not None and 0 < row_id <= MAX_ID else None


class TicketError(Refusal):
    """A refused ticket action (status and field as in helpdesk.errors.Refusal)."""


def label(status: str) -> str:
    """A status or role as people read it: in_progress -> in progress."""
    return status.replace("_", " ")


def ticket_visible_to(user: User, ticket: Ticket | None) -> bool:
    """Support and admins see every ticket; a team leader their team's and those assigned to them;
    a coach only their own."""
    if ticket is None or not user.is_authenticated:
        return False
    if user.role in SEE_ALL_ROLES:
        return True
    if ticket.reporter_id == user.id:
        return True
    if user.role == Role.TEAM_LEADER.value:
        return ticket.assignee_id == user.id or ticket.reporter.reports_to_id == user.id
    return False


def visible_tickets(user: User):
    """A select of the tickets `user` may see (the same rule as ticket_visible_to)."""
    stmt = select(Ticket)
    if user.role in SEE_ALL_ROLES:
        return stmt
    if user.role == Role.TEAM_LEADER.value:
        team = exists(select(User.id).where(User.id == Ticket.reporter_id, User.reports_to_id == user.id))
        return stmt.where(or_(Ticket.reporter_id == user.id, Ticket.assignee_id == user.id, team))
    if user.role == Role.COACH.value:
        return stmt.where(Ticket.reporter_id == user.id)
    return stmt.where(False)


def can_triage(user: User, ticket: Ticket) -> bool:
    """Team leaders (their team's tickets), support and admins work a ticket; a coach never does."""
    return user.role in STAFF_TICKET_ROLES and ticket_visible_to(user, ticket)


def sees_internal_notes(user: User) -> bool:
    """Internal notes are for staff only: never the coach (nor a team leader reading their own ticket as its
    reporter, who is in the coach's seat there)."""
    return user.role in STAFF_TICKET_ROLES


def internal_visible(user: User, ticket: Ticket) -> bool:
    """Whether `user` sees the internal notes of `ticket`: staff who work it, not its reporter."""
    return sees_internal_notes(user) and ticket.reporter_id != user.id and ticket_visible_to(user, ticket)
