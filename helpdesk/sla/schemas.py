"""API schemas of the SLA report."""

from marshmallow import Schema, fields

from helpdesk.periods import DayField


class SlaArgs(Schema):
    from_ = DayField(data_key="from", load_default=None, metadata={"description": "first day, YYYY-MM-DD"})
    to = DayField(load_default=None, metadata={"description": "last day (included), YYYY-MM-DD"})
    coach = fields.String(load_default=None, metadata={"description": "a coach's external id"})


class CoachSlaSchema(Schema):
    coach = fields.Function(lambda s: s.coach.external_id)
    name = fields.Function(lambda s: s.coach.name)
    samples = fields.Integer()
    breaches = fields.Integer()
    met_target = fields.Integer()
    mean_seconds = fields.Float(allow_none=True)
    median_seconds = fields.Float(allow_none=True)
    p90_seconds = fields.Float(allow_none=True)
    share_within_target = fields.Float(allow_none=True)


class SlaDaySchema(Schema):
    date = fields.Date()
    samples = fields.Integer()
    breaches = fields.Integer()


class SlaReportSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    as_of = fields.DateTime()
    sla_hours = fields.Float()
    target_hours = fields.Float()
    coaches = fields.List(fields.Nested(CoachSlaSchema))
    days = fields.List(fields.Nested(SlaDaySchema))
