"""API of calibration: the endpoints of the calibration page (routes.py).

Same roles as the page, and the same items: those whose thread the caller may open
(calibration.item_visible_to), anything else a 404; what each caller sees of an item is calibration.item_view.
"""

from flask_login import current_user
from flask_smorest import Blueprint

from helpdesk.audits.services import AuditError, get_message
from helpdesk.auth.permissions import roles_required
from helpdesk.calibration import services as calibration
from helpdesk.calibration.schemas import (
    AgreementArgsSchema,
    AgreementSchema,
    CalibrationItemSchema,
    CalibrationMarkInSchema,
    CalibrationReviewInSchema,
)
from helpdesk.extensions import db
from helpdesk.periods import Period
from helpdesk.types import utcnow

blp = Blueprint("calibration_api", __name__, url_prefix="/api/v1", description="Calibration (staff only)")

PAGE_ROLES = calibration.PAGE_ROLES


@blp.route("/calibration/items")
@roles_required(*PAGE_ROLES)
@blp.response(200, CalibrationItemSchema(many=True))
def list_calibration_items():
    """The 100 newest calibration items the caller may see, open and closed, as the calibration page lists them."""
    return [calibration.item_view(current_user, item) for item in calibration.items(current_user)]


@blp.route("/calibration/items", methods=["POST"])
@roles_required("team_leader", "admin")
@blp.arguments(CalibrationMarkInSchema)
@blp.response(201, CalibrationItemSchema)
def mark_for_calibration(data):
    """Mark a coach's reply for calibration: {"message_id": ..., "reviewers_needed": 2-20, default 3}."""
    message = get_message(current_user, data["message_id"])
    try:
        item = calibration.mark(current_user, message, data["reviewers_needed"])
    except AuditError as error:
        # calibration.mark names the reply "message"; in this body it is message_id.
        if error.field == "message":
            raise AuditError("message_id", str(error), error.status) from error
        raise
    db.session.commit()
    return calibration.item_view(current_user, item)


@blp.route("/calibration/items/<int:item_id>")
@roles_required(*PAGE_ROLES)
@blp.response(200, CalibrationItemSchema)
def get_calibration_item(item_id):
    """One calibration item: its reviews and majority once closed; before that the count and the caller's own."""
    return calibration.item_view(current_user, calibration.get_item(current_user, item_id))


@blp.route("/calibration/items/<int:item_id>/reviews", methods=["POST"])
@roles_required("auditor")
@blp.arguments(CalibrationReviewInSchema)
@blp.response(201, CalibrationItemSchema)
def review_calibration_item(data, item_id):
    """The caller's independent review, once per item: {"color", "comment"}; 409 once all reviews are in."""
    item = calibration.get_item(current_user, item_id)
    calibration.review(current_user, item, data["color"], data["comment"])
    db.session.commit()
    return calibration.item_view(current_user, item)


@blp.route("/calibration/agreement")
@roles_required(*PAGE_ROLES)
@blp.arguments(AgreementArgsSchema, location="query")
@blp.response(200, AgreementSchema)
def agreement(args):
    """Each auditor's agreement with the majority over the items that closed from `from` to `to` (days included)."""
    today = utcnow().date()
    first = args["from_"] or today.replace(day=1)
    last = args["to"] or max(today, first)
    period = Period(first, last)  # whole UTC days, `last` included, as the SLA report counts them
    return {"from_": first, "to": last, "rates": calibration.agreement_rates(period.start, period.end)}
