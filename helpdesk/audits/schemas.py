"""API schemas of auditing. Staff only: no client ever receives any of these."""

from marshmallow import Schema, fields, validate

from helpdesk.audits.models import COLOR_LABELS, COLORS
from helpdesk.periods import MonthField


class AuditPersonSchema(Schema):
    id = fields.Int()
    name = fields.Str()


class AuditInSchema(Schema):
    color = fields.Str(required=True, validate=validate.OneOf(COLORS))
    comment = fields.Str(load_default=None, allow_none=True)


class AuditSchema(Schema):
    id = fields.Int()
    message_id = fields.Int()
    thread_id = fields.Function(lambda a: a.message.thread_id)
    coach = fields.Nested(AuditPersonSchema)
    auditor = fields.Nested(AuditPersonSchema)
    color = fields.Str()
    label = fields.Function(lambda a: COLOR_LABELS[a.color])
    comment = fields.Str(allow_none=True)
    at = fields.AwareDateTime()
    acted_message_id = fields.Int(allow_none=True)
    acted_at = fields.AwareDateTime(allow_none=True)
    disputed_at = fields.AwareDateTime(allow_none=True)
    dispute_reason = fields.Str(allow_none=True)
    resolution = fields.Str(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    # The 24 h clock of a Yellow, filled in by the view.
    state = fields.Str(allow_none=True)
    seconds_left = fields.Int(allow_none=True)
    overdue_seconds = fields.Int(allow_none=True)
    taken_seconds = fields.Int(allow_none=True)


class NoteInSchema(Schema):
    body = fields.Str(required=True)


class NoteSchema(Schema):
    id = fields.Int()
    author = fields.Nested(AuditPersonSchema)
    body = fields.Str()
    audit_id = fields.Int(allow_none=True)
    linked_message_id = fields.Int(allow_none=True)
    created_at = fields.AwareDateTime()


class CommunicationSchema(Schema):
    thread_id = fields.Int()
    coaches = fields.List(fields.Nested(AuditPersonSchema))
    audits = fields.List(fields.Nested(AuditSchema))
    notes = fields.List(fields.Nested(NoteSchema))


class QueueArgsSchema(Schema):
    coach_id = fields.Int(load_default=None, validate=validate.Range(1, 2**31 - 1),
                          metadata={"description": "only this coach's replies"})
    day = fields.Date(load_default=None, metadata={"description": "only this sample day, YYYY-MM-DD"})


class QueueItemSchema(Schema):
    id = fields.Int()
    message_id = fields.Int()
    thread_id = fields.Function(lambda i: i.message.thread_id)
    coach_id = fields.Int()
    sample_day = fields.Date()
    claimed_by_id = fields.Int(allow_none=True)
    claimed_at = fields.AwareDateTime(allow_none=True)
    audit_id = fields.Int(allow_none=True)
    excerpt = fields.Function(lambda i: i.message.body[:200])


class ActionInSchema(Schema):
    message_id = fields.Int(required=True)
    note = fields.Str(load_default=None, allow_none=True)


class DisputeInSchema(Schema):
    reason = fields.Str(required=True)


class ResolveInSchema(Schema):
    resolution = fields.Str(required=True, validate=validate.OneOf(("upheld", "overturned")))


class AuditListArgsSchema(Schema):
    color = fields.Str(load_default=None, validate=validate.OneOf(COLORS))
    state = fields.Str(load_default=None, validate=validate.OneOf(("waiting", "overdue", "acted", "disputed", "overturned")))
    coach_id = fields.Int(load_default=None)
    month = MonthField(load_default=None)
