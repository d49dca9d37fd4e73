"""Moderation API: the queue, claims, decisions, and members' reports."""

from flask_smorest import Blueprint, abort

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.moderation import reports, services
from helpdesk.moderation.models import Listing
from helpdesk.moderation.schemas import (
    DecisionSchema,
    ListingArgs,
    ListingPageSchema,
    ListingSchema,
    ReportSchema,
    SellerListingSchema,
)
from helpdesk.moderation.services import QUEUE_ROLES

blp = Blueprint("moderation_api", __name__, url_prefix="/api/v1", description="Marketplace moderation")
PER_PAGE = 50


def _listing_or_404(listing_id: int) -> Listing:
    listing = db.session.get(Listing, listing_id)
    return visible_or_404(listing, services.listing_visible_to(signed_in_user(), listing))


def staff_listing(listing: Listing, with_history: bool = False, report_counts: dict | None = None) -> dict:
    """A listing as moderators see it."""
    holder = services.active_claimant(listing)
    counts = report_counts if report_counts is not None else services.open_report_counts([listing.id])
    data = {"id": listing.id, "title": listing.title, "description": listing.description,
            "seller": listing.seller, "status": listing.status, "submitted_at": listing.submitted_at,
            "first_decision_at": listing.first_decision_at, "claimed_by": holder,
            "claim_expires_at": services.claim_expires_at(listing) if holder else None,
            "open_reports": counts.get(listing.id, 0)}
    if with_history:
        data["decisions"] = listing.decisions
    return data


def _dump(listing: Listing, with_history: bool = False, report_counts: dict | None = None) -> dict:
    if signed_in_user().role == Role.CLIENT.value:
        return SellerListingSchema().dump(services.seller_view(listing))
    return ListingSchema().dump(staff_listing(listing, with_history, report_counts))


@blp.route("/listings")
@roles_required(*QUEUE_ROLES, Role.CLIENT.value)
@blp.arguments(ListingArgs, location="query")
@blp.response(200, ListingPageSchema)
def list_listings(args):
    """Moderators: one view of the queue (pending oldest first, reported, approved, rejected).
    Members: their own listings, optionally of one status."""
    me = signed_in_user()
    status = args["status"]
    if me.role == Role.CLIENT.value:
        stmt = services.listings_of_seller(me)
        if status == "reported":
            # Shaped like the schema's own refusal of a bad `status` (the field named under "query").
            abort(422, messages={"query": {"status": ["Members see pending, approved or rejected."]}})
        if status:
            stmt = stmt.where(Listing.status == status)
    else:
        stmt = services.queue_select(status or "pending")
    page = db.paginate(stmt, page=args["page"], per_page=PER_PAGE, error_out=False)
    items = list(page.items)
    counts = services.open_report_counts([x.id for x in items])
    return {"items": [_dump(x, report_counts=counts) for x in items], "page": page.page,
            "pages": page.pages, "total": page.total}


@blp.route("/listings/<int:listing_id>")
@roles_required(*QUEUE_ROLES, Role.CLIENT.value)
def get_listing(listing_id):
    """One listing; moderators also get its decision history."""
    return _dump(_listing_or_404(listing_id), with_history=True)


@blp.route("/listings/<int:listing_id>/claim", methods=["POST"])
@roles_required(*QUEUE_ROLES)
@blp.response(200, ListingSchema)
def claim(listing_id):
    """Claim a listing for 30 minutes (renews one's own claim); 409 while another moderator holds it."""
    listing = _listing_or_404(listing_id)
    services.claim_listing(signed_in_user(), listing)
    db.session.commit()
    return staff_listing(listing)


@blp.route("/listings/<int:listing_id>/claim", methods=["DELETE"])
@roles_required(*QUEUE_ROLES)
@blp.response(204)
def release(listing_id):
    """Give up one's claim."""
    services.release_claim(signed_in_user(), _listing_or_404(listing_id))
    db.session.commit()


@blp.route("/listings/<int:listing_id>/decisions", methods=["POST"])
@roles_required(*QUEUE_ROLES)
@blp.arguments(DecisionSchema)
@blp.response(201, DecisionSchema)
def add_decision(data, listing_id):
    """Approve or reject (reason required to reject); 409 while another moderator holds the claim."""
    listing = _listing_or_404(listing_id)
    decision = services.decide(signed_in_user(), listing, data["decision"], data.get("reason"),
                               data.get("note"))
    db.session.commit()
    return decision


@blp.route("/listings/<int:listing_id>/reports", methods=["POST"])
@roles_required(Role.CLIENT.value)
@blp.arguments(ReportSchema)
@blp.response(201, ReportSchema)
def report(data, listing_id):
    """A member reports a listing they can see; it returns to the moderators' Reported view."""
    listing = _listing_or_404(listing_id)
    row = reports.report_listing(signed_in_user(), listing, data["reason"])
    db.session.commit()
    return row


@blp.route("/listings/<int:listing_id>/reports/resolve", methods=["POST"])
@roles_required(*QUEUE_ROLES)
def resolve(listing_id):
    """Close a listing's open reports, keeping its decision."""
    listing = _listing_or_404(listing_id)
    n = reports.resolve_reports(signed_in_user(), listing)
    db.session.commit()
    return {"resolved": n}
