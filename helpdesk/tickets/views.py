"""What one viewer sees of a ticket: its comments (internal ones for staff), desk links, merged duplicates,
timeline and clocks. Pages and the API both read it from here, so the internal-note rule is applied once."""

from datetime import datetime

from sqlalchemy.orm import selectinload

from helpdesk.auth.models import User
from helpdesk.inbox.models import Thread
from helpdesk.inbox.services import thread_visible_to
from helpdesk.tickets import clocks
from helpdesk.tickets.access import internal_visible, row_or_none, ticket_visible_to
from helpdesk.tickets.filing import desk_link_target
from helpdesk.tickets.merging import merged_into_this
from helpdesk.tickets.models import Ticket
from helpdesk.types import utcnow


def with_people(stmt):
    """`stmt` (a select of Ticket) loading each ticket's reporter and assignee for a list: one query each for
    the whole page, not one per row."""
    return stmt.options(selectinload(Ticket.reporter), selectinload(Ticket.assignee))


def visible_notes(user: User, ticket: Ticket) -> list:
    """The comments of `ticket` that `user` may read: internal notes only for staff working it."""
    internal = internal_visible(user, ticket)
    return [n for n in ticket.notes if internal or not n.internal]


def desk_links(user: User, ticket: Ticket) -> list[dict]:
    """Each desk link of the ticket, clickable (`href`) only for a viewer who may open that thread."""
    out = []
    for link in (ticket.links or "").splitlines():
        target = desk_link_target(link)
        if target is None:
            continue
        thread = row_or_none(Thread, target[0])
        href = f"/threads/{target[0]}" + (f"#m{target[1]}" if target[1] else "")
        visible = thread_visible_to(user, thread)
        out.append({"text": link, "href": href if visible else None,
                    "title": thread.subject if visible else f"thread #{target[0]}"})
    return out


def merged_duplicates(user: User, ticket: Ticket) -> list[dict]:
    """The tickets merged into this one that `user` may see, each with its visible comments and attachments."""
    return [{"ticket": dup, "notes": visible_notes(user, dup), "attachments": list(dup.attachments)}
            for dup in merged_into_this(ticket) if ticket_visible_to(user, dup)]


def summary(ticket: Ticket, now: datetime | None = None) -> dict:
    """The list view of a ticket (TicketSummarySchema)."""
    data = {key: getattr(ticket, key) for key in (
        "id", "who", "what", "where", "when", "times_seen", "still_happening", "client_id", "status", "priority",
        "category", "reporter", "assignee", "merged_into_id", "first_response_at", "resolved_at", "created_at",
        "updated_at")}
    data["overdue"] = clocks.is_overdue(ticket, now or utcnow())
    return data


def detail(user: User, ticket: Ticket) -> dict:
    """One ticket as `user` may see it (TicketSchema)."""
    first, resolution = clocks.first_response_time(ticket), clocks.resolution_time(ticket)
    return {**summary(ticket), "people": list(ticket.people), "notes": visible_notes(user, ticket),
            "links": [link["href"] or link["text"] for link in desk_links(user, ticket)],
            "attachments": list(ticket.attachments), "timeline": list(ticket.events),
            "first_response_seconds": first.total_seconds() if first else None,
            "resolution_seconds": resolution.total_seconds() if resolution else None}
