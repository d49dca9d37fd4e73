"""API shapes for tickets and questions: one ticket schema, with internal notes only in the staff view."""

from marshmallow import Schema, fields, validate

from helpdesk.api_pages import PageArgs, page_of
from helpdesk.tickets.access import MAX_ID
from helpdesk.tickets.models import CATEGORIES, PRIORITIES, QUESTION_STATUSES, STATUSES


def Id(**kwargs):  # noqa: N802 - a field factory, named like the fields
    """A row id: 1 to the largest an INTEGER column holds, so a bigger one is a 422 naming its field."""
    return fields.Int(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class TicketPerson(Schema):
    id = fields.Int()
    name = fields.Str()
    role = fields.Str()


class TicketArgs(PageArgs):
    status = fields.Str(load_default=None, validate=validate.OneOf(STATUSES))
    priority = fields.Str(load_default=None, validate=validate.OneOf(PRIORITIES))
    category = fields.Str(load_default=None, validate=validate.OneOf(CATEGORIES))
    assignee = Id(load_default=None, metadata={"description": "assignee's user id"})
    overdue = fields.Bool(load_default=False, metadata={"description": "no first response within the limit"})
    mine = fields.Bool(load_default=False)


class WhenSchema(Schema):
    first_seen = fields.AwareDateTime(required=True, default_timezone=None)
    times = fields.Int(required=True, validate=validate.Range(min=1, max=100000))
    still_happening = fields.Bool(required=True)


class NewTicketSchema(Schema):
    """Filing: who (names or pasted profile links) and/or who_ids, what (+ desk links), where (a link), when."""

    who = fields.Str(load_default="", validate=validate.Length(max=300))
    who_ids = fields.List(Id(), load_default=list)
    what = fields.Str(required=True, validate=validate.Length(max=10000))
    links = fields.List(fields.Str(validate=validate.Length(max=300)), load_default=list,
                        metadata={"description": "links to messages or threads in the desk"})
    where = fields.Str(required=True, validate=validate.Length(max=300))
    when = fields.Nested(WhenSchema, required=True)
    priority = fields.Str(load_default="normal", validate=validate.OneOf(PRIORITIES))
    client_id = Id(load_default=None, allow_none=True)
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=10000))


class TicketPatchSchema(Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    priority = fields.Str(validate=validate.OneOf(PRIORITIES))
    category = fields.Str(allow_none=True, validate=validate.OneOf(CATEGORIES))
    assignee_id = Id(allow_none=True)


class TicketNoteInSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=10000))


class CommentInSchema(TicketNoteInSchema):
    internal = fields.Bool(load_default=False)


class MergeInSchema(Schema):
    into = Id(required=True)


class TicketNoteSchema(Schema):
    id = fields.Int()
    author = fields.Nested(TicketPerson)
    body = fields.Str()
    internal = fields.Bool()
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


class EventSchema(Schema):
    actor = fields.Nested(TicketPerson, allow_none=True)
    from_status = fields.Str(allow_none=True)
    to_status = fields.Str()
    at = fields.AwareDateTime()


class TicketSummarySchema(Schema):
    """A ticket in a list."""

    id = fields.Int()
    who = fields.Str()
    what = fields.Str()
    where = fields.Str()
    when = fields.AwareDateTime()
    times_seen = fields.Int()
    still_happening = fields.Bool(allow_none=True)
    client_id = fields.Int(allow_none=True)
    status = fields.Str()
    priority = fields.Str()
    category = fields.Str(allow_none=True)
    reporter = fields.Nested(TicketPerson)
    assignee = fields.Nested(TicketPerson, allow_none=True)
    merged_into_id = fields.Int(allow_none=True)
    first_response_at = fields.AwareDateTime(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    overdue = fields.Bool()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TicketSchema(TicketSummarySchema):
    """One ticket with its comments (internal ones only for staff), attachments and timeline."""

    people = fields.List(fields.Nested(TicketPerson))
    links = fields.List(fields.Str())
    notes = fields.List(fields.Nested(TicketNoteSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))
    timeline = fields.List(fields.Nested(EventSchema))
    first_response_seconds = fields.Float(allow_none=True)
    resolution_seconds = fields.Float(allow_none=True)


TicketPageSchema = page_of(TicketSummarySchema)


class QuestionInSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=10000))


class AnswerInSchema(Schema):
    answer = fields.Str(required=True, validate=validate.Length(min=1, max=10000))


class QuestionSchema(Schema):
    id = fields.Int()
    body = fields.Str()
    status = fields.Str(validate=validate.OneOf(QUESTION_STATUSES))
    answer = fields.Str(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    ticket_id = fields.Int(allow_none=True)
    asker = fields.Nested(TicketPerson)
    leader = fields.Nested(TicketPerson)
    created_at = fields.AwareDateTime()
