"""API schemas of auditing. Staff only: no client ever receives any of these."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from helpdesk.audits.models import COLOR_LABELS, COLORS
from helpdesk.periods import DayField, MonthField


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


class CalibrationReviewSchema(Schema):
    """A review as the calibration page shows it: the colour and comment, never who gave them."""

    color = fields.Str()
    comment = fields.Str(allow_none=True)


class CalibrationItemSchema(Schema):
    """A calibration.item_view: others' reviews and the majority only once the item is closed."""

    id = fields.Function(lambda v: v["item"].id)
    message_id = fields.Function(lambda v: v["item"].message_id)
    thread_id = fields.Function(lambda v: v["item"].message.thread_id)
    coach_name = fields.Function(lambda v: v["item"].message.author.name)
    excerpt = fields.Function(lambda v: v["item"].message.body[:200])
    reviewers_needed = fields.Function(lambda v: v["item"].reviewers_needed)
    review_count = fields.Int(attribute="count")
    closed = fields.Bool()
    majority = fields.Str(allow_none=True, metadata={"description": "null while open, and for a tie"})
    reviews = fields.List(fields.Nested(CalibrationReviewSchema),
                          metadata={"description": "empty while open"})
    mine = fields.Nested(CalibrationReviewSchema, allow_none=True,
                         metadata={"description": "the caller's own review"})


class AgreementArgsSchema(Schema):
    from_ = DayField(data_key="from", load_default=None,
                        metadata={"description": "first day, YYYY-MM-DD (default: the 1st of this month)"})
    to = DayField(load_default=None,
                  metadata={"description": "last day (included), YYYY-MM-DD (default: today)"})

    @validates_schema
    def ends_after_start(self, data, **kwargs):
        if data["from_"] and data["to"] and data["to"] < data["from_"]:
            raise ValidationError("The period ends before it starts.", "to")


class AgreementRateSchema(Schema):
    auditor_id = fields.Int()
    name = fields.Str()
    items = fields.Int(metadata={"description": "closed items with a majority that the auditor reviewed"})
    agreed = fields.Int(metadata={"description": "of those, the ones where their colour was the majority's"})
    rate = fields.Float(metadata={"description": "agreed / items, 0 to 1"})


class AgreementSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    rates = fields.List(fields.Nested(AgreementRateSchema))


class CalibrationMarkInSchema(Schema):
    message_id = fields.Int(required=True, metadata={"description": "a coach's reply"})
    reviewers_needed = fields.Int(load_default=3, metadata={"description": "2 to 20; the item closes at this many"})


class CalibrationReviewInSchema(Schema):
    color = fields.Str(required=True, validate=validate.OneOf(COLORS))
    comment = fields.Str(load_default=None, allow_none=True)
