"""API shapes for tickets."""

from marshmallow import Schema, fields, validate

from helpdesk.tickets.models import PRIORITIES, STATUSES


class TicketPerson(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()


class TicketArgs(Schema):
    status = fields.Str(load_default=None, validate=validate.OneOf(STATUSES))
    priority = fields.Str(load_default=None, validate=validate.OneOf(PRIORITIES))
    mine = fields.Bool(load_default=False)
    page = fields.Int(load_default=1, validate=validate.Range(min=1))


class NewTicketSchema(Schema):
    who = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    what = fields.Str(required=True, validate=validate.Length(min=1, max=10000))
    where = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    when = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=None)
    priority = fields.Str(load_default="normal", validate=validate.OneOf(PRIORITIES))
    client_id = fields.Int(load_default=None, allow_none=True)
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=10000))


class TicketPatchSchema(Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    priority = fields.Str(validate=validate.OneOf(PRIORITIES))
    assignee_id = fields.Int(allow_none=True)


class TicketNoteInSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=10000))


class TicketNoteSchema(Schema):
    id = fields.Int()
    author = fields.Nested(TicketPerson)
    body = fields.Str()
    created_at = fields.AwareDateTime()


class AttachmentSchema(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    created_at = fields.AwareDateTime()
    url = fields.Method("_url")

    def _url(self, obj):
        return f"/tickets/{obj.ticket_id}/attachments/{obj.id}"


class TicketSummarySchema(Schema):
    """A ticket in a list."""

    id = fields.Int()
    who = fields.Str()
    what = fields.Str()
    where = fields.Str()
    when = fields.AwareDateTime()
    client_id = fields.Int(allow_none=True)
    status = fields.Str()
    priority = fields.Str()
    reporter = fields.Nested(TicketPerson)
    assignee = fields.Nested(TicketPerson, allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TicketSchema(TicketSummarySchema):
    """One ticket with its notes and attachments."""

    notes = fields.List(fields.Nested(TicketNoteSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))


class TicketPageSchema(Schema):
    items = fields.List(fields.Nested(TicketSummarySchema))
    page = fields.Int()
    pages = fields.Int()
    total = fields.Int()
