"""The review queue (reported live listings by weighted score; keep or remove) and accuracy per moderator."""

from datetime import timedelta

from flask import Response, flash, redirect, render_template, request, url_for

from helpdesk.auth.permissions import signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.moderation import accuracy, bp, reports, services
from helpdesk.moderation.access import may_oversee, moderators_only, moderators_or_overseers
from helpdesk.moderation.forms import ReviewForm
from helpdesk.moderation.models import REPORT_REASONS, Listing
from helpdesk.periods import month_of


@bp.route("/moderation/review")
@moderators_only
def review_queue():
    """Reported listings, highest weighted score first, grouped per listing with their reasons; the formula."""
    return render_template("moderation/review.html", rows=reports.review_queue(signed_in_user()),
                           formula=reports.FORMULA, report_reasons=REPORT_REASONS, form=ReviewForm(formdata=None))


def review_listing(user, listing: Listing, decision: str, reason_code: str | None, reason: str | None) -> str:
    """Keep (close the reports) or remove (a reject decision); the flash message."""
    if decision == "keep":
        n = reports.resolve_reports(user, listing)
        return f"Kept; {n} report{'s' if n != 1 else ''} closed."
    if decision == "remove":
        reports.remove_listing(user, listing, reason, reason_code=reason_code)
        return "Removed from the marketplace; the seller has been told why."
    raise services.ModerationError(422, "Choose keep or remove.", field="decision")


@bp.route("/listings/<int:listing_id>/review", methods=["POST"])
@moderators_only
def review(listing_id):
    listing = db.session.get(Listing, listing_id)
    visible_or_404(listing, services.listing_visible_to(signed_in_user(), listing))
    form = ReviewForm()
    form.validate_on_submit()
    message = review_listing(signed_in_user(), listing, form.decision.data, form.reason_code.data or None,
                             form.reason.data)
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("moderation.review_queue"))


# The first page's "close reports" button: a keep.
@bp.route("/listings/<int:listing_id>/resolve-reports", methods=["POST"])
@moderators_only
def resolve_reports(listing_id):
    listing = db.session.get(Listing, listing_id)
    visible_or_404(listing, services.listing_visible_to(signed_in_user(), listing))
    n = reports.resolve_reports(signed_in_user(), listing)
    db.session.commit()
    flash(f"{n} report{'s' if n != 1 else ''} closed; the decision stands.", "info")
    return redirect(url_for("moderation.queue", view="reported"))


@bp.route("/moderation/accuracy")
@moderators_or_overseers
def accuracy_page():
    """Moderation accuracy for a month (metrics.md section 9): one's own; team leaders and admins see everyone's,
    sortable, and as CSV."""
    me = signed_in_user()
    month, start, end = accuracy.month_bounds(request.args.get("month"))
    everyone = may_oversee(me)
    rows = accuracy.month_stats(start, end, moderator_ids=None if everyone else [me.id])
    outlook = accuracy.with_tier_outlook(month, rows)
    sort, descending = request.args.get("sort", "moderator"), request.args.get("desc") == "1"
    rows = accuracy.sorted_rows(rows, sort, descending)
    if request.args.get("format") == "csv":
        return Response(accuracy.to_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=moderation-accuracy-{month}.csv"})
    months = [month_of(start - timedelta(days=28 * k)) for k in range(1, 7)]
    return render_template("moderation/accuracy.html", rows=rows, month=month, everyone=everyone, sort=sort,
                           descending=descending, columns=accuracy.SORTS, past=months,
                           outlook=outlook)
