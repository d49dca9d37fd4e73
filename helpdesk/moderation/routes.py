"""Moderation pages: the queue, a listing with its history, claims, decisions, reports; sellers' listings."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.moderation import bp, history, queue, reports, services
from helpdesk.moderation.access import moderators_only
from helpdesk.moderation.forms import DecisionForm, ReportForm, ReviewForm
from helpdesk.moderation.models import CATEGORIES, REJECT_REASONS, REPORT_REASONS, Listing
from helpdesk.moderation.services import QUEUE_ROLES, ModerationError

ALL_LISTING_ROLES = (*QUEUE_ROLES, Role.TEAM_LEADER.value, Role.CLIENT.value)


def _listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    return visible_or_404(listing, services.listing_visible_to(signed_in_user(), listing))


def _back(listing: Listing):
    return redirect(url_for("moderation.listing", listing_id=listing.id))


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


@bp.route("/moderation", endpoint="queue")
@moderators_only
def queue_page():
    """The queue: one view, filtered by category and (pending) age, with counts per view and one's claims."""
    view = request.args.get("view", "pending")
    if view not in queue.VIEWS:
        abort(404)
    category, age = _choice("category", CATEGORIES), _choice("age", queue.AGES)
    page = db.paginate(queue.queue_select(view, category, age), per_page=50)
    items = list(page.items)
    me = signed_in_user()
    mine = [x for x in items if x.claimed_by_id == me.id and services.active_claimant(x) is not None]
    return render_template("moderation/queue.html", view=view, page=page, listings=items,
                           category=category, age=age, categories=CATEGORIES, ages=queue.AGES,
                           counts=queue.queue_counts(category), reports=queue.open_report_counts([x.id for x in items]),
                           claimant=services.active_claimant, expires=services.claim_expires_at,
                           due_at=queue.due_at, is_overdue=queue.is_overdue, age_badge=queue.age_badge,
                           held=services.claims_held(me), max_claims=current_app.config["MODERATION_MAX_CLAIMS"],
                           mine=mine, reasons=REJECT_REASONS)


@bp.route("/listings/<int:listing_id>")
@roles_required(*ALL_LISTING_ROLES)
def listing(listing_id):
    item = _listing_or_404(listing_id)
    me = signed_in_user()
    if me.role == Role.CLIENT.value:
        return render_template("moderation/listing_client.html", listing=queue.member_view(item),
                               own=item.seller_id == me.id, form=ReportForm())
    return _render_listing(item, DecisionForm())


def _render_listing(item: Listing, form: DecisionForm, status: int = 200):
    return render_template("moderation/listing.html", listing=item, form=form,
                           can_moderate=services.can_moderate(signed_in_user()),
                           claimant=services.active_claimant(item), expires=services.claim_expires_at(item),
                           open_reports=reports.open_reports(item), age_badge=queue.age_badge,
                           due_at=queue.due_at(item), overdue=queue.is_overdue(item),
                           claim_minutes=services.claim_minutes(), reasons=REJECT_REASONS,
                           report_reasons=REPORT_REASONS, events=history.history(item), kinds=history.KINDS,
                           review_form=ReviewForm(formdata=None),
                           may_review=services.can_moderate(signed_in_user())
                           and reports.approver_id(item) != signed_in_user().id,
                           category=CATEGORIES.get(item.category, item.category)), status


@bp.route("/listings/<int:listing_id>/claim", methods=["POST"])
@moderators_only
def claim(listing_id):
    item = _listing_or_404(listing_id)
    try:
        services.claim_listing(signed_in_user(), item)
    except ModerationError as exc:
        flash(str(exc), "error")
        db.session.refresh(item)
        return _render_listing(item, DecisionForm(formdata=None), exc.status)
    db.session.commit()
    flash(f"You have claimed this listing for {services.claim_minutes()} minutes.", "info")
    return _back(item)


@bp.route("/listings/<int:listing_id>/release", methods=["POST"])
@moderators_only
def release(listing_id):
    item = _listing_or_404(listing_id)
    if services.release_claim(signed_in_user(), item):
        db.session.commit()
        flash("Claim released; the listing is back in the queue.", "info")
    return redirect(url_for("moderation.queue"))


@bp.route("/listings/<int:listing_id>/decide", methods=["POST"])
@moderators_only
def decide(listing_id):
    item = _listing_or_404(listing_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash("; ".join(m for msgs in form.errors.values() for m in msgs) or "Choose approve or reject.", "error")
        return _render_listing(item, form, 400)
    try:
        services.decide(signed_in_user(), item, form.decision.data, form.reason.data, form.note.data,
                        reason_code=form.reason_code.data or None)
    except ModerationError as exc:
        flash(str(exc), "error")
        db.session.refresh(item)
        return _render_listing(item, form, exc.status)
    db.session.commit()
    flash("Listing approved." if form.decision.data == "approve" else "Listing rejected.", "info")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/bulk", methods=["POST"])
@moderators_only
def bulk():
    """Approve or reject the listings one has claimed, all or nothing; the page says how each one went."""
    ids = [int(x) for x in request.form.getlist("listing_ids") if x.isdigit()]
    ok, results = services.bulk_decide(signed_in_user(), ids, request.form.get("decision", ""),
                                       request.form.get("reason_code") or None, request.form.get("text"))
    if ok:
        db.session.commit()
        flash(f"{len(results)} listing{'s' if len(results) != 1 else ''} "
              f"{'approved' if request.form.get('decision') == 'approve' else 'rejected'}.", "info")
    else:  # bulk_decide rolled its own work back
        flash("Nothing was decided: " + "; ".join(f"#{r['listing_id']}: {r['message']}" for r in results
                                                  if r["status"] != 424), "error")
    return redirect(url_for("moderation.queue"))


@bp.route("/listings/<int:listing_id>/report", methods=["POST"])
@roles_required(Role.CLIENT.value)
def report(listing_id):
    item = _listing_or_404(listing_id)
    form = ReportForm()
    if not form.validate_on_submit() or not (form.reason_code.data or (form.reason.data or "").strip()):
        flash("Say what is wrong with the listing.", "error")
        return render_template("moderation/listing_client.html", listing=queue.member_view(item),
                               own=item.seller_id == signed_in_user().id, form=form), 400
    try:
        reports.report_listing(signed_in_user(), item, form.reason_code.data or form.reason.data,
                               form.reason.data if form.reason_code.data else None)
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
    page = db.paginate(queue.marketplace_select(q), per_page=50)
    return render_template("moderation/marketplace.html", page=page, q=q, me=signed_in_user(),
                           listings=list(page.items))


@bp.route("/me/listings")
@roles_required(Role.CLIENT.value)
def my_listings():
    page = db.paginate(queue.listings_of_seller(signed_in_user()), per_page=50)
    return render_template("moderation/my_listings.html", page=page,
                           listings=[queue.seller_view(x) for x in page.items])
