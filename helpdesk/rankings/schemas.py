"""API schemas of rankings and jobs."""

from marshmallow import Schema, fields

from helpdesk.rankings.export import FIELDS, MONEY_FIELDS, RATE_FIELDS


def _record_field(name: str):
    if name in RATE_FIELDS:
        return fields.Float(allow_none=True)
    if name in MONEY_FIELDS:
        return fields.String(metadata={"description": "money, two decimals"})
    if name == "eligible":
        return fields.Boolean()
    if name in ("month", "coach") or name.endswith("_tier"):
        return fields.String(allow_none=name.endswith("_tier"))
    return fields.Integer(allow_none=name.endswith("_rank"))


# One coach's line of the export (metrics.md section 10): rates as numbers, money as strings.
RankingRecordSchema = Schema.from_dict({name: _record_field(name) for name in FIELDS}, name="RankingRecordSchema")


class RankingSchema(Schema):
    """A month's stored ranking, one page of the rows the caller may see (the page fields of api_pages)."""

    month = fields.String()
    as_of = fields.DateTime()
    computed_at = fields.DateTime()
    provisional = fields.Boolean()
    rows = fields.List(fields.Nested(RankingRecordSchema))
    page = fields.Integer()
    pages = fields.Integer()
    total = fields.Integer()
    per_page = fields.Integer()


class ComputeArgs(Schema):
    as_of = fields.AwareDateTime(load_default=None, default_timezone=None,
                                 metadata={"description": "compute as of this instant (ISO 8601 with offset)"})


class JobIdSchema(Schema):
    job_id = fields.Integer()
    status = fields.String()
    status_url = fields.String()


class JobSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    status = fields.String(metadata={"description": "waiting, queued, started, finished or failed"})
    progress = fields.Integer()
    progress_text = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    result = fields.Dict(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
