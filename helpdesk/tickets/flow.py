"""The status flow: which moves exist, who may make them, and the one guarded way a ticket moves.

new -> triaged -> in progress -> waiting on coach -> resolved -> closed (issue 13). Every move is one
conditional UPDATE ... WHERE status = <the status the mover saw>, so of two writers at once only one moves
the ticket (the other gets a 409), and every move writes one TicketEvent row: the ticket's timeline.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.tickets.access import TicketError, can_triage, label
from helpdesk.tickets.models import Ticket, TicketEvent
from helpdesk.types import utcnow

TRANSITIONS = {
    "new": ("triaged", "closed"),
    "triaged": ("in_progress", "closed"),
    "in_progress": ("waiting_on_coach", "resolved"),
    "waiting_on_coach": ("in_progress", "resolved"),
    "resolved": ("closed", "in_progress"),
    "closed": (),
}
OPEN_STATUSES = ("new", "triaged", "in_progress", "waiting_on_coach")
# Triage of a new ticket is the team leader's (or an admin's) decision, not support's.
LEADER_ONLY = {("new", "triaged"), ("new", "closed")}
# What the ticket's reporter may do themselves: accept the fix or say it did not hold.
REPORTER_TRANSITIONS = {("resolved", "closed"), ("resolved", "in_progress")}
REOPEN_DAYS = 7
AUTO_CLOSE_DAYS = 7


def moves_for(user: User, ticket: Ticket) -> tuple[str, ...]:
    """The statuses `user` may move `ticket` to now."""
    if can_triage(user, ticket):  # staff, also on a ticket they filed themselves (a team leader's own)
        moves = TRANSITIONS[ticket.status]
        if user.role == Role.SUPPORT.value:
            moves = tuple(s for s in moves if (ticket.status, s) not in LEADER_ONLY)
        return moves
    if ticket.reporter_id == user.id:
        return tuple(s for s in TRANSITIONS[ticket.status] if (ticket.status, s) in REPORTER_TRANSITIONS)
    return ()


def check_move(user: User, ticket: Ticket, status: str) -> None:
    """Refuse a move that does not exist (409), that this role may not make (409), or by a non-worker (403)."""
    if status not in TRANSITIONS:
        raise TicketError(422, f"Choose one of {', '.join(TRANSITIONS)}.", field="status")
    if status not in TRANSITIONS[ticket.status]:
        nexts = TRANSITIONS[ticket.status]
        allowed = " or ".join(label(s) for s in nexts) if nexts else "nowhere: it is final"
        article = "An" if ticket.status[0] in "aeiou" else "A"
        raise TicketError(409, f"{article} {label(ticket.status)} ticket cannot become {label(status)}; "
                               f"it can move to {allowed}.", field="status")
    if status in moves_for(user, ticket):
        return
    if not can_triage(user, ticket):
        raise TicketError(403, "Only the team leader, support or an admin can change this ticket's status.")
    raise TicketError(409, f"{label(user.role).capitalize()} cannot move a {label(ticket.status)} ticket to "
                           f"{label(status)}.", field="status")


def move(ticket: Ticket, to: str, actor: User | None, now: datetime | None = None) -> bool:
    """Move `ticket` from the status it was read with to `to`, once: a conditional UPDATE guards it.

    Returns False (and changes nothing) when another writer moved it first. Records the event, keeps the
    clocks (resolved_at, closed_at) and tells the reporter when someone else moved it."""
    now = now or utcnow()
    old = ticket.status
    values = {"status": to, "updated_at": now}
    if to == "resolved":
        values["resolved_at"] = now
    if to == "closed":
        values["closed_at"] = now
    if old == "resolved" and to != "closed":
        values["resolved_at"] = None
    moved = db.session.execute(
        update(Ticket).where(Ticket.id == ticket.id, Ticket.status == old).values(**values)
        .returning(Ticket.id).execution_options(synchronize_session=False)).first()
    if moved is None:
        db.session.expire(ticket)
        return False
    for key, value in values.items():
        set_committed_value(ticket, key, value)  # what the UPDATE wrote, with no second UPDATE at flush
    db.session.add(TicketEvent(ticket_id=ticket.id, actor_id=actor.id if actor else None, from_status=old,
                               to_status=to, at=now))
    if actor is None or actor.id != ticket.reporter_id:
        notify(ticket.reporter_id, "ticket_status",
               f"Your ticket #{ticket.id} moved from {label(old)} to {label(to)}.", link=f"/tickets/{ticket.id}")
    db.session.flush()
    db.session.expire(ticket, ["events"])
    return True


def move_or_409(ticket: Ticket, to: str, actor: User, now: datetime | None = None) -> None:
    """Move, or refuse with a 409 when another writer changed the ticket's status first."""
    if not move(ticket, to, actor, now):
        raise TicketError(409, "The ticket's status was changed meanwhile; reload and try again.", field="status")


def change_status(user: User, ticket: Ticket, status: str, now: datetime | None = None) -> None:
    """A person moves a ticket: the move is checked for this role, then made once."""
    check_move(user, ticket, status)
    move_or_409(ticket, status, user, now)


def reopens_on_reply(ticket: Ticket, now: datetime) -> bool:
    """A coach's reply reopens a ticket waiting on them, or one resolved within the last 7 days."""
    if ticket.status == "waiting_on_coach":
        return True
    return (ticket.status == "resolved" and ticket.resolved_at is not None
            and now - ticket.resolved_at <= timedelta(days=REOPEN_DAYS))


def reopen_on_reply(ticket: Ticket, coach: User, now: datetime) -> bool:
    """Reopen (back to in progress) after the reporting coach replied, and tell the assignee."""
    if not reopens_on_reply(ticket, now) or not move(ticket, "in_progress", coach, now):
        return False
    if ticket.assignee_id and ticket.assignee_id != coach.id:
        notify(ticket.assignee_id, "ticket_reopened", f"{coach.name} replied; ticket #{ticket.id} is open again.",
               link=f"/tickets/{ticket.id}")
    return True


def close_stale_resolved(now: datetime | None = None) -> int:
    """Close every ticket resolved more than 7 days before `now`; return how many were closed.

    Idempotent: each ticket moves with the guarded update, so running it twice (or two workers at once)
    closes each ticket once and records one event."""
    now = now or utcnow()
    stale = db.session.scalars(select(Ticket).where(
        Ticket.status == "resolved", Ticket.resolved_at <= now - timedelta(days=AUTO_CLOSE_DAYS))
        .order_by(Ticket.id)).all()
    return sum(move(ticket, "closed", None, now) for ticket in stale)
