"""Tickets API: list, file, read, triage, notes, attachments; same visibility rules as the pages."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.idempotency import idempotent
from helpdesk.tickets import attachments, services
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.schemas import (
    AttachmentSchema,
    NewTicketSchema,
    TicketArgs,
    TicketNoteInSchema,
    TicketNoteSchema,
    TicketPageSchema,
    TicketPatchSchema,
    TicketSchema,
)
from helpdesk.tickets.services import FILER_ROLES, TICKET_ROLES, TicketError

blp = Blueprint("tickets_api", __name__, url_prefix="/api/v1", description="Support tickets")


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    return visible_or_404(ticket, services.ticket_visible_to(signed_in_user(), ticket))


@blp.route("/tickets")
class Tickets(MethodView):
    @roles_required(*TICKET_ROLES)
    @blp.arguments(TicketArgs, location="query")
    @blp.response(200, TicketPageSchema)
    def get(self, args):
        """The tickets the caller sees: open work first, oldest first; filters status, priority, mine."""
        stmt = services.ticket_list(signed_in_user(), args["status"], args["priority"], args["mine"])
        page = db.paginate(stmt, page=args["page"], per_page=50, error_out=False)
        return {"items": list(page.items), "page": page.page, "pages": page.pages, "total": page.total}

    @roles_required(*FILER_ROLES)
    @idempotent
    @blp.arguments(NewTicketSchema)
    @blp.response(201, TicketSchema)
    def post(self, data):
        """File a ticket (Who, What, Where, When defaulting to now, priority); the team leader is told."""
        ticket = services.file_ticket(signed_in_user(), **data)
        db.session.commit()
        return ticket


@blp.route("/tickets/<int:ticket_id>")
class TicketItem(MethodView):
    @roles_required(*TICKET_ROLES)
    @blp.response(200, TicketSchema)
    def get(self, ticket_id):
        """One ticket with its notes and attachments."""
        return _ticket_or_404(ticket_id)

    @roles_required(*TICKET_ROLES)
    @blp.arguments(TicketPatchSchema)
    @blp.response(200, TicketSchema)
    def patch(self, data, ticket_id):
        """Triage: status (open, triaged, in_progress, resolved, closed, in that order), priority, assignee."""
        ticket = _ticket_or_404(ticket_id)
        services.update_ticket(signed_in_user(), ticket, data)
        db.session.commit()
        return ticket


@blp.route("/tickets/<int:ticket_id>/notes", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.arguments(TicketNoteInSchema)
@blp.response(201, TicketNoteSchema)
def add_note(data, ticket_id):
    """Add a note to a ticket the caller can see."""
    ticket = _ticket_or_404(ticket_id)
    note = services.add_note(signed_in_user(), ticket, data["body"])
    db.session.commit()
    return note


@blp.route("/tickets/<int:ticket_id>/attachments", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.response(201, AttachmentSchema)
def add_attachment(ticket_id):
    """Attach a file (multipart field `file`, up to 5 MB); download it from the returned url."""
    ticket = _ticket_or_404(ticket_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise TicketError(422, "Send the file as multipart field 'file'.", field="file")
    row = attachments.add_attachment(signed_in_user(), ticket, upload.filename, upload.mimetype,
                                     attachments.read_upload(upload))
    db.session.commit()
    return row
