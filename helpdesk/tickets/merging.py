"""Merging a duplicate into another ticket: the duplicate is closed and points to the survivor."""

from datetime import datetime

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.tickets import flow
from helpdesk.tickets.access import TicketError, can_triage, ticket_visible_to
from helpdesk.tickets.models import Ticket
from helpdesk.types import utcnow


def merge(user: User, duplicate: Ticket, survivor: Ticket | None, now: datetime | None = None) -> Ticket:
    """Merge `duplicate` into `survivor`; the reporters of both are told. Returns the survivor.

    Both rows are locked (lowest id first, so two opposite merges cannot deadlock) before anything is checked:
    two merges at once never chain a ticket into one that is being merged away."""
    if survivor is None or not ticket_visible_to(user, survivor):
        raise TicketError(422, "Merge into a ticket you can see.", field="into")
    if not (can_triage(user, duplicate) and can_triage(user, survivor)):
        raise TicketError(403, "Only the team leader, support or an admin merge tickets.")
    if survivor.id == duplicate.id:
        raise TicketError(422, "A ticket cannot be merged into itself.", field="into")
    now = now or utcnow()
    db.session.execute(select(Ticket.id).where(Ticket.id.in_((duplicate.id, survivor.id)))
                       .order_by(Ticket.id).with_for_update())
    db.session.refresh(duplicate)
    db.session.refresh(survivor)
    if duplicate.status == "closed" or duplicate.merged_into_id is not None:
        raise TicketError(409, f"Ticket #{duplicate.id} is already closed; it cannot be merged.", field="into")
    if survivor.status == "closed" or survivor.merged_into_id is not None:
        raise TicketError(409, f"Ticket #{survivor.id} is closed; merge into an open ticket.", field="into")
    flow.move_or_409(duplicate, "closed", user, now)
    duplicate.merged_into_id = survivor.id
    for reporter_id in sorted({duplicate.reporter_id, survivor.reporter_id} - {user.id}):
        own = duplicate if reporter_id == duplicate.reporter_id else survivor
        notify(reporter_id, "ticket_merged",
               f"Ticket #{duplicate.id} was merged into ticket #{survivor.id}; work goes on there.",
               link=f"/tickets/{own.id}")
    db.session.flush()
    return survivor


def merged_into_this(ticket: Ticket) -> list[Ticket]:
    """The duplicates merged into `ticket`, oldest first."""
    return db.session.scalars(select(Ticket).where(Ticket.merged_into_id == ticket.id).order_by(Ticket.id)).all()
