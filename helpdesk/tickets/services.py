"""Ticket rules: filing, triage (priority, category, assignee, status), comments, taking and merging."""

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.tickets import flow
from helpdesk.tickets.access import (  # noqa: F401 - the names routes and other packages import from here
    ASSIGNEE_ROLES,
    FILER_ROLES,
    SEE_ALL_ROLES,
    TICKET_ROLES,
    TicketError,
    can_triage,
    internal_visible,
    label,
    row_or_none,
    ticket_visible_to,
    visible_tickets,
)
from helpdesk.tickets.filing import Filing, filing_errors, pickable_clients, profile_ids  # noqa: F401
from helpdesk.tickets.flow import OPEN_STATUSES, REPORTER_TRANSITIONS, TRANSITIONS  # noqa: F401
from helpdesk.tickets.models import CATEGORIES, PRIORITIES, STATUSES, Ticket, TicketNote, TicketPerson
from helpdesk.types import utcnow


def ticket_list(user: User, status: str | None = None, priority: str | None = None, mine: bool = False,
                category: str | None = None, assignee_id: int | None = None, overdue: bool = False,
                now: datetime | None = None):
    """The tickets `user` sees, filtered; open work first, oldest first within it."""
    from helpdesk.tickets.clocks import overdue_condition

    stmt = visible_tickets(user)
    for name, value, allowed in (("status", status, STATUSES), ("priority", priority, PRIORITIES),
                                 ("category", category, CATEGORIES)):
        if value and value not in allowed:
            raise TicketError(422, f"Choose one of {', '.join(allowed)}.", field=name)
    if status:
        stmt = stmt.where(Ticket.status == status)
    if priority:
        stmt = stmt.where(Ticket.priority == priority)
    if category:
        stmt = stmt.where(Ticket.category == category)
    if assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == assignee_id)
    if overdue:
        stmt = stmt.where(overdue_condition(now or utcnow()))
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


def file_ticket(user: User, who: str, what: str, where: str, when: datetime | None = None,
                priority: str = "normal", client_id: int | None = None, note: str | None = None,
                now: datetime | None = None, who_ids=(), links=(), times_seen: int = 1,
                still_happening: bool | None = None, question_id: int | None = None) -> Ticket:
    """A coach (or team leader) files a ticket; their team leader is told.

    The form and the API check the four fields with filing_errors first; this checks what any caller must
    get right (text present, a past time, one's own client)."""
    if user.role not in FILER_ROLES:
        raise TicketError(403, "Only coaches and team leaders file tickets.")
    now = now or utcnow()
    what, where = _required(what, "what", 10000), _required(where, "where", 300)
    who = (who or "").strip()[:300] or ", ".join(db.session.scalars(
        select(User.name).where(User.id.in_(list(who_ids))).order_by(User.name)))[:300]
    who = _required(who, "who", 300)
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
                    client_id=client_id, status="new", created_at=now, updated_at=now,
                    links="\n".join(link.strip() for link in links if link.strip()) or None,
                    times_seen=times_seen or 1, still_happening=still_happening)
    db.session.add(ticket)
    db.session.flush()
    for person_id in sorted(set(who_ids) | set(profile_ids(who))):
        db.session.add(TicketPerson(ticket_id=ticket.id, user_id=person_id))
    db.session.add(flow.TicketEvent(ticket_id=ticket.id, actor_id=user.id, from_status=None, to_status="new",
                                    at=now))
    if note and note.strip():
        add_note(user, ticket, note, now=now)
    if user.reports_to_id and question_id is None:
        notify(user.reports_to_id, "ticket_new", f"New ticket from {user.name}: {what[:80]}",
               link=f"/tickets/{ticket.id}", dedupe_key=f"ticket-{ticket.id}")
    db.session.flush()
    return ticket


def _check_assignee(assignee_id: int | None) -> User | None:
    if assignee_id is None:
        return None
    assignee = row_or_none(User, assignee_id)
    if assignee is None or not assignee.active or assignee.role not in ASSIGNEE_ROLES:
        raise TicketError(422, "Assign to a support member or a team leader.", field="assignee_id")
    return assignee


def update_ticket(user: User, ticket: Ticket, changes: dict) -> Ticket:
    """Apply triage changes (status, priority, category, assignee_id); each key present is a change.

    Everything is checked before anything changes, so a refused update leaves the ticket as it was."""
    status = changes.get("status")
    status = None if status in (None, ticket.status) else status
    priority = changes.get("priority", ticket.priority)
    category = changes.get("category", ticket.category)
    assignee_id = changes.get("assignee_id", ticket.assignee_id)
    if status is not None:
        flow.check_move(user, ticket, status)
    triage = (priority, category, assignee_id) != (ticket.priority, ticket.category, ticket.assignee_id)
    if triage and not can_triage(user, ticket):
        raise TicketError(403, "Only the team leader, support or an admin triage tickets.")
    if priority not in PRIORITIES:
        raise TicketError(422, f"Choose one of {', '.join(PRIORITIES)}.", field="priority")
    if category is not None and category not in CATEGORIES:
        raise TicketError(422, f"Choose one of {', '.join(CATEGORIES)}.", field="category")
    assignee = _check_assignee(assignee_id) if assignee_id != ticket.assignee_id else None

    if status is not None:
        flow.move_or_409(ticket, status, user)
    ticket.priority, ticket.category = priority, category
    if assignee_id != ticket.assignee_id:
        ticket.assignee_id = assignee_id
        if assignee is not None and assignee.id != user.id:
            notify(assignee.id, "ticket_assigned", f"Ticket #{ticket.id} is assigned to you: {ticket.what[:80]}",
                   link=f"/tickets/{ticket.id}")
    ticket.updated_at = utcnow()
    db.session.flush()
    return ticket


def take(user: User, ticket: Ticket, now: datetime | None = None) -> Ticket:
    """A support agent takes an unassigned ticket: it becomes theirs (and in progress if it was triaged).

    One conditional UPDATE ... WHERE assignee_id IS NULL, so two agents taking it at once get one owner."""
    if user.role != Role.SUPPORT.value:
        raise TicketError(403, "Only support agents take tickets from the pool.")
    now = now or utcnow()
    taken = db.session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.assignee_id.is_(None), Ticket.status != "closed")
        .values(assignee_id=user.id, updated_at=now).returning(Ticket.id)
        .execution_options(synchronize_session=False)).first()
    if taken is None:
        raise TicketError(409, "Someone else took this ticket first.")
    db.session.expire(ticket)
    if ticket.status == "triaged":
        flow.move(ticket, "in_progress", user, now)
    return ticket


def assignable_users():
    """The people a ticket can be assigned to: active support agents and team leaders."""
    return select(User).where(User.role.in_(ASSIGNEE_ROLES), User.active.is_(True)).order_by(User.role, User.name)


def add_note(user: User, ticket: Ticket, body: str | None, internal: bool = False,
             now: datetime | None = None) -> TicketNote:
    """A comment on the ticket: a reply the coach sees, or (staff only) an internal note.

    A staff reply to the coach starts nothing if one came before, else it is the first response; the reporting
    coach's reply reopens a ticket waiting on them or resolved within 7 days."""
    body = _required(body, "body", 10000)
    if internal and not internal_visible(user, ticket):
        raise TicketError(403, "Only staff working the ticket write internal notes.", field="internal")
    now = now or utcnow()
    note = TicketNote(ticket_id=ticket.id, author_id=user.id, body=body, internal=internal, created_at=now)
    db.session.add(note)
    ticket.updated_at = now
    db.session.flush()
    if not internal and user.id != ticket.reporter_id:
        # the first reply to the coach, once: only the writer who finds it empty sets it
        db.session.execute(update(Ticket).where(Ticket.id == ticket.id, Ticket.first_response_at.is_(None))
                           .values(first_response_at=now).execution_options(synchronize_session=False))
        db.session.expire(ticket, ["first_response_at"])
        notify(ticket.reporter_id, "ticket_note", f"{user.name} replied on ticket #{ticket.id}.",
               link=f"/tickets/{ticket.id}")
    if user.id == ticket.reporter_id:
        flow.reopen_on_reply(ticket, user, now)
    db.session.expire(ticket, ["notes"])
    return note

