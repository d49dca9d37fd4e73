"""POST /api/v1/ingest: platform data (daily goals, surveys, profits) in batches."""

from flask import abort, g, jsonify, request
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from helpdesk.auth.models import ROLES, Role
from helpdesk.auth.permissions import allow_ingest_token, roles_required
from helpdesk.errors import error_body
from helpdesk.extensions import db
from helpdesk.ingest.services import MAX_RECORDS, IngestError, ingest

blp = Blueprint("ingest_api", __name__, url_prefix="/api/v1", description="Platform data in")


class IngestResultSchema(Schema):
    """What a stored batch came to: counts in all and per record type."""

    stored = fields.Int(required=True)
    skipped = fields.Int(required=True, metadata={"description": "records equal to ones already stored"})
    stored_by_type = fields.Dict(keys=fields.Str(), values=fields.Int())
    skipped_by_type = fields.Dict(keys=fields.Str(), values=fields.Int())


def _error(status: int, name: str, message: str, errors=None):
    response = jsonify(error_body(status, name, message, errors))
    response.status_code = status
    return response


@blp.route("/ingest", methods=["POST"])
@roles_required(*ROLES)
@allow_ingest_token
@blp.response(200, IngestResultSchema)
def ingest_batch():
    """Store a batch of `daily_goal`, `survey` and `profit` records (import-format.md), all or nothing.

    Body: `{"records": [...]}`, at most 10,000 records. An equal record already stored is skipped.
    Allowed to admins and to tokens created with `helpdesk token create ID --ingest`.
    Answers `{"stored": n, "skipped": m, ...}`, or 422 with `errors: [{"index", "message"}]` and
    nothing stored.
    """
    if getattr(g, "token_scope", "full") != "ingest" and current_user.role != Role.ADMIN.value:
        abort(403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "records" not in body:
        return _error(422, "Unprocessable Entity",
                      f'The body must be JSON {{"records": [...]}} with up to {MAX_RECORDS:,} records.')
    try:
        result = ingest(body["records"])
    except IngestError as exc:
        # Not the shared refusal answer: werkzeug names 413 "Request Entity Too Large", and this endpoint's clients
        # have always been told "content_too_large".
        name = "Content Too Large" if exc.status == 413 else "Unprocessable Entity"
        return _error(exc.status, name, str(exc))
    if result.errors:
        db.session.rollback()
        count = len(result.errors)
        return _error(422, "Unprocessable Entity",
                      f"{count} record(s) are not valid; nothing was stored. Fix them and post the batch again.",
                      result.errors)
    db.session.commit()
    return result.as_dict()
