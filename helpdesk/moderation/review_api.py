"""The review queue in the API: reported listings by weighted score; keep or remove."""

from helpdesk.auth.permissions import signed_in_user
from helpdesk.extensions import db
from helpdesk.moderation import reports
from helpdesk.moderation.access import moderators_only
from helpdesk.moderation.api import _listing_or_404, blp, staff_listing
from helpdesk.moderation.review_routes import review_listing
from helpdesk.moderation.schemas import ReviewInSchema, ReviewItemSchema, ReviewOutSchema


@blp.route("/moderation/review")
@moderators_only
@blp.response(200, ReviewItemSchema(many=True))
def review_queue():
    """Reported live (or automatically hidden) listings, highest weighted score first, each with its report
    count and reasons; listings the caller approved are left out. Weight: see `formula` in POST .../review."""
    return [{"listing": staff_listing(row["listing"]), "reports": row["reports"], "score": row["score"],
             "reasons": row["reasons"]} for row in reports.review_queue(signed_in_user())]


@blp.route("/listings/<int:listing_id>/review", methods=["POST"])
@moderators_only
@blp.arguments(ReviewInSchema)
@blp.response(200, ReviewOutSchema)
def review(data, listing_id):
    """Keep (reports closed) or remove (a reject decision with a declared `reason` and `text`; after someone
    else's approval it is an overturn, metrics.md section 9). The approver cannot review (403)."""
    listing = _listing_or_404(listing_id)
    message = review_listing(signed_in_user(), listing, data["decision"], data.get("reason"), data.get("text"))
    db.session.commit()
    return {"listing": staff_listing(listing), "message": message, "formula": reports.FORMULA}
