"""Ticket rules: who files and sees them, triage transitions, assignees, notes, notifications."""

from datetime import datetime, timedelta

from sqlalchemy import case, exists, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.services import clients_of
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.tickets.models import PRIORITIES, STATUSES, Ticket, TicketNote
from helpdesk.types import utcnow

FILER_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)
TICKET_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value, Role.SUPPORT.value, Role.ADMIN.value)
SEE_ALL_ROLES = (Role.SUPPORT.value, Role.ADMIN.value)
ASSIGNEE_ROLES = (Role.SUPPORT.value, Role.TEAM_LEADER.value)
OPEN_STATUSES = ("open", "triaged", "in_progress")
# Where each status may go next; resolved can be reopened when the fix did not hold.
TRANSITIONS = {
    "open": ("triaged", "closed"),
    "triaged": ("in_progress", "closed"),
    "in_progress": ("resolved",),
    "resolved": ("closed", "in_progress"),
    "closed": (),
}
# What the ticket's reporter may do themselves: accept the fix or say it did not hold.
REPORTER_TRANSITIONS = {("resolved", "closed"), ("resolved", "in_progress")}


class TicketError(Refusal):
    """A refused ticket action (status and field as in helpdesk.errors.Refusal)."""


def label(status: str) -> str:
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
    return user.role in (*SEE_ALL_ROLES, Role.TEAM_LEADER.value) and ticket_visible_to(user, ticket)


def ticket_list(user: User, status: str | None = None, priority: str | None = None, mine: bool = False):
    """The tickets `user` sees, filtered; open work first, oldest first within it."""
    stmt = visible_tickets(user)
    if status:
        if status not in STATUSES:
            raise TicketError(422, f"Choose one of {', '.join(STATUSES)}.", field="status")
        stmt = stmt.where(Ticket.status == status)
    if priority:
        if priority not in PRIORITIES:
            raise TicketError(422, f"Choose one of {', '.join(PRIORITIES)}.", field="priority")
        stmt = stmt.where(Ticket.priority == priority)
    if mine:
        stmt = stmt.where(or_(Ticket.reporter_id == user.id, Ticket.assignee_id == user.id))
    closed_last = case((Ticket.status.in_(OPEN_STATUSES), 0), else_=1)
    return stmt.order_by(closed_last, Ticket.created_at, Ticket.id)


def _required(value, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise TicketError(422, f"{field.title()} is required.", field=field)
    if len(value) > limit:
        raise TicketError(422, f"Keep it under {limit} characters.", field=field)
    return value


def pickable_clients(user: User):
    """The clients a filer may name in Who: their own clients now."""
    if user.role != Role.COACH.value:
        return select(User).where(False)
    return clients_of(user).order_by(User.name)


def file_ticket(user: User, who: str, what: str, where: str, when: datetime | None = None,
                priority: str = "normal", client_id: int | None = None, note: str | None = None,
                now: datetime | None = None) -> Ticket:
    """A coach (or team leader) files a ticket; their team leader is told."""
    if user.role not in FILER_ROLES:
        raise TicketError(403, "Only coaches and team leaders file tickets.")
    now = now or utcnow()
    who, what, where = _required(who, "who", 300), _required(what, "what", 10000), _required(where, "where", 300)
    if priority not in PRIORITIES:
        raise TicketError(422, f"Choose one of {', '.join(PRIORITIES)}.", field="priority")
    when = when or now
    if when.tzinfo is None:
        raise TicketError(422, "Give the time with its time zone (UTC).", field="when")
    if when > now + timedelta(minutes=5):
        raise TicketError(422, "When cannot be in the future.", field="when")
    if client_id is not None:
        allowed = db.session.scalar(pickable_clients(user).where(User.id == client_id).with_only_columns(User.id))
        if allowed is None:
            raise TicketError(422, "Pick one of your own clients.", field="client_id")
    ticket = Ticket(reporter_id=user.id, who=who, what=what, where=where, when=when, priority=priority,
                    client_id=client_id, status="open", created_at=now, updated_at=now)
    db.session.add(ticket)
    db.session.flush()
    if note and note.strip():
        add_note(user, ticket, note)
    if user.reports_to_id:
        notify(user.reports_to_id, "ticket_new", f"New ticket from {user.name}: {what[:80]}",
               link=f"/tickets/{ticket.id}", dedupe_key=f"ticket-{ticket.id}")
    return ticket


def _check_status(user: User, ticket: Ticket, status: str) -> None:
    if status not in STATUSES:
        raise TicketError(422, f"Choose one of {', '.join(STATUSES)}.", field="status")
    if status not in TRANSITIONS[ticket.status]:
        nexts = TRANSITIONS[ticket.status]
        allowed = " or ".join(label(s) for s in nexts) if nexts else "nowhere: it is final"
        article = "An" if ticket.status[0] in "aeiou" else "A"
        raise TicketError(409, f"{article} {label(ticket.status)} ticket cannot become {label(status)}; "
                               f"it can move to {allowed}.", field="status")
    if not can_triage(user, ticket) and (ticket.status, status) not in REPORTER_TRANSITIONS:
        raise TicketError(403, "Only the team leader, support or an admin can change this ticket's status.")


def _check_assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not assignee.active or assignee.role not in ASSIGNEE_ROLES:
        raise TicketError(422, "Assign to a support member or a team leader.", field="assignee_id")
    return assignee


def update_ticket(user: User, ticket: Ticket, changes: dict) -> Ticket:
    """Apply triage changes (status, priority, assignee_id); each key present is a change.

    Everything is checked before anything changes, so a refused update leaves the ticket as it was."""
    status = changes.get("status")
    status = None if status in (None, ticket.status) else status
    priority = changes.get("priority", ticket.priority)
    assignee_id = changes.get("assignee_id", ticket.assignee_id)
    if status is not None:
        _check_status(user, ticket, status)
    if (priority != ticket.priority or assignee_id != ticket.assignee_id) and not can_triage(user, ticket):
        raise TicketError(403, "Only the team leader, support or an admin triage tickets.")
    if priority not in PRIORITIES:
        raise TicketError(422, f"Choose one of {', '.join(PRIORITIES)}.", field="priority")
    assignee = _check_assignee(assignee_id) if assignee_id != ticket.assignee_id else None

    if status is not None:
        old, ticket.status = ticket.status, status
        if user.id != ticket.reporter_id:
            notify(ticket.reporter_id, "ticket_status",
                   f"Your ticket #{ticket.id} moved from {label(old)} to {label(status)}.",
                   link=f"/tickets/{ticket.id}")
    ticket.priority = priority
    if assignee_id != ticket.assignee_id:
        ticket.assignee_id = assignee_id
        if assignee is not None and assignee.id != user.id:
            notify(assignee.id, "ticket_assigned", f"Ticket #{ticket.id} is assigned to you: {ticket.what[:80]}",
                   link=f"/tickets/{ticket.id}")
    ticket.updated_at = utcnow()
    db.session.flush()
    return ticket


def assignable_users():
    return select(User).where(User.role.in_(ASSIGNEE_ROLES), User.active.is_(True)).order_by(User.role, User.name)


def add_note(user: User, ticket: Ticket, body: str | None) -> TicketNote:
    """A note on the ticket by anyone who can see it; the reporter hears of others' notes."""
    body = _required(body, "body", 10000)
    note = TicketNote(ticket_id=ticket.id, author_id=user.id, body=body, created_at=utcnow())
    db.session.add(note)
    ticket.updated_at = note.created_at
    if user.id != ticket.reporter_id:
        notify(ticket.reporter_id, "ticket_note", f"{user.name} added a note to ticket #{ticket.id}.",
               link=f"/tickets/{ticket.id}")
    db.session.flush()
    db.session.expire(ticket, ["notes"])
    return note
