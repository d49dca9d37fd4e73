"""Moderation pages: the queue, a listing with its history, claims, decisions, reports; sellers' listings."""

from flask import abort, flash, redirect, render_template, request, url_for

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.moderation import bp, reports, services
from helpdesk.moderation.forms import DecisionForm, ReportForm
from helpdesk.moderation.models import Listing
from helpdesk.moderation.services import QUEUE_ROLES, ModerationError

ALL_LISTING_ROLES = (*QUEUE_ROLES, Role.CLIENT.value)


def _listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    return visible_or_404(listing, services.listing_visible_to(signed_in_user(), listing))


def _back(listing: Listing):
    return redirect(url_for("moderation.listing", listing_id=listing.id))


@bp.route("/moderation")
@roles_required(*QUEUE_ROLES)
def queue():
    view = request.args.get("view", "pending")
    if view not in services.VIEWS:
        abort(404)
    page = db.paginate(services.queue_select(view), per_page=50)
    items = list(page.items)
    me = signed_in_user()
    return render_template("moderation/queue.html", view=view, page=page, listings=items,
                           counts=services.queue_counts(), reports=services.open_report_counts([x.id for x in items]),
                           can_moderate=services.can_moderate(me), claimant=services.active_claimant,
                           age_badge=services.age_badge)


@bp.route("/listings/<int:listing_id>")
@roles_required(*ALL_LISTING_ROLES)
def listing(listing_id):
    item = _listing_or_404(listing_id)
    me = signed_in_user()
    if me.role == Role.CLIENT.value:
        return render_template("moderation/listing_client.html", listing=services.seller_view(item),
                               own=item.seller_id == me.id, form=ReportForm())
    return render_template("moderation/listing.html", listing=item, form=DecisionForm(),
                           can_moderate=services.can_moderate(me), claimant=services.active_claimant(item),
                           expires=services.claim_expires_at(item), open_reports=reports.open_reports(item),
                           age_badge=services.age_badge)


@bp.route("/listings/<int:listing_id>/claim", methods=["POST"])
@roles_required(*QUEUE_ROLES)
def claim(listing_id):
    item = _listing_or_404(listing_id)
    try:
        services.claim_listing(signed_in_user(), item)
    except ModerationError as exc:
        flash(str(exc), "error")
        return _render_listing_error(item, DecisionForm(formdata=None), exc.status)
    db.session.commit()
    flash("You have claimed this listing for 30 minutes.", "info")
    return _back(item)


@bp.route("/listings/<int:listing_id>/release", methods=["POST"])
@roles_required(*QUEUE_ROLES)
def release(listing_id):
    item = _listing_or_404(listing_id)
    if services.release_claim(signed_in_user(), item):
        db.session.commit()
        flash("Claim released; the listing is back in the queue.", "info")
    return redirect(url_for("moderation.queue"))


@bp.route("/listings/<int:listing_id>/decide", methods=["POST"])
@roles_required(*QUEUE_ROLES)
def decide(listing_id):
    item = _listing_or_404(listing_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash("Choose approve or reject.", "error")
        return _render_listing_error(item, form, 400)
    try:
        services.decide(signed_in_user(), item, form.decision.data, form.reason.data, form.note.data)
    except ModerationError as exc:
        flash(str(exc), "error")
        return _render_listing_error(item, form, exc.status)
    db.session.commit()
    flash("Listing approved." if form.decision.data == "approve" else "Listing rejected.", "info")
    return redirect(url_for("moderation.queue"))


def _render_listing_error(item: Listing, form: DecisionForm, status: int):
    db.session.refresh(item)
    me = signed_in_user()
    return render_template("moderation/listing.html", listing=item, form=form,
                           can_moderate=services.can_moderate(me), claimant=services.active_claimant(item),
                           expires=services.claim_expires_at(item), open_reports=reports.open_reports(item),
                           age_badge=services.age_badge), status


@bp.route("/listings/<int:listing_id>/resolve-reports", methods=["POST"])
@roles_required(*QUEUE_ROLES)
def resolve_reports(listing_id):
    item = _listing_or_404(listing_id)
    try:
        n = reports.resolve_reports(signed_in_user(), item)
    except ModerationError as exc:
        flash(str(exc), "error")
        return _back(item)
    db.session.commit()
    flash(f"{n} report{'s' if n != 1 else ''} closed; the decision stands.", "info")
    return redirect(url_for("moderation.queue", view="reported"))


@bp.route("/listings/<int:listing_id>/report", methods=["POST"])
@roles_required(Role.CLIENT.value)
def report(listing_id):
    item = _listing_or_404(listing_id)
    form = ReportForm()
    if not form.validate_on_submit():
        flash("Say what is wrong with the listing.", "error")
        return render_template("moderation/listing_client.html", listing=services.seller_view(item),
                               own=item.seller_id == signed_in_user().id, form=form), 400
    try:
        reports.report_listing(signed_in_user(), item, form.reason.data)
    except ModerationError as exc:
        flash(str(exc), "error")
        return _back(item)
    db.session.commit()
    flash("Thank you; a moderator will review this listing.", "info")
    return _back(item)


@bp.route("/marketplace")
@roles_required(Role.CLIENT.value)
def marketplace():
    """What members see of the marketplace: approved listings, to open and, if need be, report. No seller is
    named (a client never sees other clients)."""
    q = request.args.get("q", "").strip()[:200]
    page = db.paginate(services.marketplace_select(q), per_page=50)
    return render_template("moderation/marketplace.html", page=page, q=q, me=signed_in_user(),
                           listings=list(page.items))


@bp.route("/me/listings")
@roles_required(Role.CLIENT.value)
def my_listings():
    page = db.paginate(services.listings_of_seller(signed_in_user()), per_page=50)
    return render_template("moderation/my_listings.html", page=page,
                           listings=[services.seller_view(x) for x in page.items])
