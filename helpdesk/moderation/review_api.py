"""The review queue in the API (reported listings by weighted score; keep or remove) and accuracy stats."""

from helpdesk.auth.permissions import signed_in_user
from helpdesk.extensions import db
from helpdesk.moderation import accuracy, reports
from helpdesk.moderation.access import may_oversee, moderators_only, moderators_or_overseers
from helpdesk.moderation.api import _listing_or_404, blp, staff_listing
from helpdesk.moderation.review_routes import review_listing
from helpdesk.moderation.schemas import (
    ReviewInSchema,
    ReviewItemSchema,
    ReviewOutSchema,
    StatsArgs,
    StatsRowSchema,
)


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


@blp.route("/moderation/stats")
@moderators_or_overseers
@blp.arguments(StatsArgs, location="query")
@blp.response(200, StatsRowSchema(many=True))
def stats(args):
    """Per moderator for `month` (YYYY-MM, default the current one; metrics.md section 9): moderated,
    approved_later_rejected, accuracy, median_seconds_to_decide, overdue. Team leaders and admins get every
    moderator; others their own row."""
    me = signed_in_user()
    everyone = may_oversee(me)
    month, start, end = accuracy.month_bounds(args.get("month"))
    rows = accuracy.month_stats(start, end, moderator_ids=None if everyone else [me.id])
    accuracy.with_tier_outlook(month, rows)
    return rows
