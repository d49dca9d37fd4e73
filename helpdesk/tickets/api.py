"""Tickets API: list, file, read, triage, comments, merge, attachments; same visibility rules as the pages."""

import json

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort
from marshmallow import ValidationError

from helpdesk.api_pages import paginate_body
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.idempotency import idempotent
from helpdesk.tickets import attachments, merging, services, views
from helpdesk.tickets.access import FILER_ROLES, TICKET_ROLES, TicketError, row_or_none
from helpdesk.tickets.filing import Filing, filing_errors
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.schemas import (
    AttachmentSchema,
    CommentInSchema,
    MergeInSchema,
    NewTicketSchema,
    TicketArgs,
    TicketNoteInSchema,
    TicketNoteSchema,
    TicketPageSchema,
    TicketPatchSchema,
    TicketSchema,
)
from helpdesk.types import utcnow

blp = Blueprint("tickets_api", __name__, url_prefix="/api/v1", description="Support tickets")

PER_PAGE = 50
FILING_BODY = {"content": {
    "application/json": {"schema": NewTicketSchema},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "who": {"type": "string"}, "who_ids": {"type": "array", "items": {"type": "integer"}},
        "what": {"type": "string"}, "links": {"type": "array", "items": {"type": "string"}},
        "where": {"type": "string"},
        "when": {"type": "string", "description": 'JSON: {"first_seen", "times", "still_happening"}'},
        "priority": {"type": "string"}, "client_id": {"type": "integer"},
        "screenshots": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = row_or_none(Ticket, ticket_id)
    return visible_or_404(ticket, services.ticket_visible_to(signed_in_user(), ticket))


def _filing_input() -> tuple[dict, list]:
    """The body as a dict (JSON, or multipart form fields with `when` as JSON) and the chosen files."""
    if request.mimetype == "multipart/form-data":
        form = request.form
        data = {k: form.get(k) for k in ("who", "what", "where", "priority", "client_id", "note") if k in form}
        data["who_ids"] = form.getlist("who_ids")
        data["links"] = [v for v in form.getlist("links") if v.strip()]
        if "when" in form:
            try:
                data["when"] = json.loads(form["when"])
            except ValueError:
                data["when"] = form["when"]
        files = request.files.getlist("screenshots") + request.files.getlist("file")
        return data, attachments.read_uploads(files)
    body = request.get_json(silent=True)
    return (body if isinstance(body, dict) else {}), []


def _load_filing(raw: dict) -> dict:
    """Load the body; every missing or wrong one of who, what, where, when is named in one 422."""
    schema = NewTicketSchema()
    try:
        data, errors = schema.load(raw), {}
    except ValidationError as exc:
        data, errors = exc.valid_data or {}, dict(exc.messages)
    when = data.get("when") or {}
    filing = Filing(who=data.get("who", ""), who_ids=data.get("who_ids", []), what=data.get("what", ""),
                    links=data.get("links", []), where=data.get("where", ""), first_seen=when.get("first_seen"),
                    times_seen=when.get("times"), still_happening=when.get("still_happening"))
    for name, message in filing_errors(signed_in_user(), filing).items():
        errors[name] = [message]
    if errors:
        api_abort(422, messages={"json": errors})
    return {**data, "filing": filing}


@blp.route("/tickets")
class Tickets(MethodView):
    @roles_required(*TICKET_ROLES)
    @blp.arguments(TicketArgs, location="query")
    @blp.response(200, TicketPageSchema)
    def get(self, args):
        """The tickets the caller sees, open work first; filters status, priority, category, assignee,
        overdue (no first response within the limit), mine."""
        now = utcnow()
        stmt = services.ticket_list(signed_in_user(), args["status"], args["priority"], args["mine"],
                                    args["category"], args["assignee"], args["overdue"], now)
        return paginate_body(views.with_people(stmt), args["page"], PER_PAGE, lambda t: views.summary(t, now))

    @roles_required(*FILER_ROLES)
    @idempotent
    @blp.doc(requestBody=FILING_BODY)
    @blp.response(201, TicketSchema)
    def post(self):
        """File a ticket: who, what (+ desk links, screenshots when multipart), where (a link), when
        (first seen, how many times, still happening). A 422 names each missing one in `errors`."""
        raw, files = _filing_input()
        data = _load_filing(raw)
        attachments.check_images(files)  # before the ticket exists: a refused upload stores nothing
        filing, me = data["filing"], signed_in_user()
        ticket = services.file_ticket(me, filing.who, filing.what, filing.where, filing.first_seen,
                                      data.get("priority", "normal"), data.get("client_id"), data.get("note"),
                                      who_ids=filing.who_ids, links=filing.links, times_seen=filing.times_seen,
                                      still_happening=filing.still_happening)
        for name, content in files:
            attachments.add_attachment(me, ticket, name, None, content)
        db.session.flush()
        return views.detail(me, ticket)  # @idempotent commits once this answer is built


@blp.route("/tickets/<int:ticket_id>")
class TicketItem(MethodView):
    @roles_required(*TICKET_ROLES)
    @blp.response(200, TicketSchema)
    def get(self, ticket_id):
        """One ticket with its comments (internal notes only for staff), attachments and timeline."""
        return views.detail(signed_in_user(), _ticket_or_404(ticket_id))

    @roles_required(*TICKET_ROLES)
    @blp.arguments(TicketPatchSchema)
    @blp.response(200, TicketSchema)
    def patch(self, data, ticket_id):
        """Triage: status (the allowed moves per role; 409 for one that is not), priority, category, assignee."""
        ticket = _ticket_or_404(ticket_id)
        services.update_ticket(signed_in_user(), ticket, data)
        db.session.commit()
        return views.detail(signed_in_user(), ticket)


def _comment(ticket_id: int, body: str, internal: bool):
    ticket = _ticket_or_404(ticket_id)
    note = services.add_note(signed_in_user(), ticket, body, internal=internal)
    db.session.commit()
    return note


@blp.route("/tickets/<int:ticket_id>/notes", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.arguments(TicketNoteInSchema)
@blp.response(201, TicketNoteSchema)
def add_note(data, ticket_id):
    """Reply on a ticket the caller can see (visible to the coach); kept for older clients of /comments."""
    return _comment(ticket_id, data["body"], False)


@blp.route("/tickets/<int:ticket_id>/comments", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.arguments(CommentInSchema)
@blp.response(201, TicketNoteSchema)
def add_comment(data, ticket_id):
    """A reply to the coach, or with internal=true a note only staff see (coaches cannot post those)."""
    return _comment(ticket_id, data["body"], data["internal"])


@blp.route("/tickets/<int:ticket_id>/merge", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.arguments(MergeInSchema)
@blp.response(200, TicketSchema)
def merge(data, ticket_id):
    """Merge this ticket (a duplicate) into ticket `into`: it is closed and points there. Returns the survivor."""
    duplicate = _ticket_or_404(ticket_id)
    survivor = merging.merge(signed_in_user(), duplicate, row_or_none(Ticket, data["into"]))
    db.session.commit()
    return views.detail(signed_in_user(), survivor)


@blp.route("/tickets/<int:ticket_id>/attachments", methods=["POST"])
@roles_required(*TICKET_ROLES)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}}}}}})
@blp.response(201, AttachmentSchema)
def add_attachment(ticket_id):
    """Attach a screenshot (multipart field `file`; PNG, JPEG, WebP or GIF, up to 5 MB, 5 per ticket)."""
    ticket = _ticket_or_404(ticket_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise TicketError(422, "Send the file as multipart field 'file'.", field="file")
    row = attachments.add_attachment(signed_in_user(), ticket, upload.filename, upload.mimetype,
                                     attachments.read_upload(upload))
    db.session.commit()
    return row


# The questions to the team leader live beside these, on the same blueprint.
from helpdesk.tickets import api_questions  # noqa: E402,F401
