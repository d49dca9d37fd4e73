"""API schemas of rankings and jobs."""

from marshmallow import Schema, fields


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
