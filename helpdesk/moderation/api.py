"""Moderation API: the queue, claims, decisions (single and bulk), and members' reports."""

from functools import wraps

from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields

from helpdesk.api_pages import page_body, page_of
from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.moderation import queue, reports, services
from helpdesk.moderation.access import moderators_only, moderators_or_overseers
from helpdesk.moderation.models import Listing
from helpdesk.moderation.schemas import (
    BulkInSchema,
    BulkOutSchema,
    DecisionInSchema,
    DecisionSchema,
    ListingArgs,
    ListingSchema,
    ListingsPageSchema,
    MemberListingSchema,
    QueueArgs,
    ReportSchema,
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
    counts = report_counts if report_counts is not None else queue.open_report_counts([listing.id])
    data = {"id": listing.id, "title": listing.title, "description": listing.description,
            "category": listing.category, "seller": listing.seller, "status": listing.status,
            "submitted_at": listing.submitted_at, "due_at": queue.due_at(listing),
            "overdue": queue.is_overdue(listing), "first_decision_at": listing.first_decision_at,
            "claimed_by": holder, "claim_expires_at": services.claim_expires_at(listing) if holder else None,
            "open_reports": counts.get(listing.id, 0), "price": listing.price, "images": listing.images}
    if with_history:
        data["decisions"] = listing.decisions
    return data


def _dump(listing: Listing, with_history: bool = False, report_counts: dict | None = None) -> dict:
    if signed_in_user().role == Role.CLIENT.value:
        return MemberListingSchema().dump(queue.member_view(listing))
    return ListingSchema().dump(staff_listing(listing, with_history, report_counts))


def _members_or(staff_guard):
    """Members, and the staff `staff_guard` lets in (an untrained coach gets 404)."""
    def decorate(view):
        for_staff = staff_guard(view)

        @wraps(view)
        def wrapper(*args, **kwargs):
            if signed_in_user().role == Role.CLIENT.value:
                return view(*args, **kwargs)
            return for_staff(*args, **kwargs)

        return roles_required(*QUEUE_ROLES, Role.TEAM_LEADER.value, Role.CLIENT.value)(wrapper)
    return decorate


@blp.route("/listings")
@_members_or(moderators_only)
@blp.arguments(ListingArgs, location="query")
@blp.response(200, ListingsPageSchema)
def list_listings(args):
    """Moderators: one view of the queue (pending oldest first, reported, approved, rejected, removed).
    Members: their own listings, optionally of one status. (The queue with filters: GET /moderation/queue.)"""
    me = signed_in_user()
    status = args["status"]
    if me.role == Role.CLIENT.value:
        stmt = queue.listings_of_seller(me)
        if status == "reported":
            # Shaped like the schema's own refusal of a bad `status` (the field named under "query").
            abort(422, messages={"query": {"status": ["Members see pending, approved or rejected."]}})
        if status:
            stmt = stmt.where(Listing.status == status)
    else:
        stmt = queue.queue_select(status or "pending")
    page = db.paginate(stmt, page=args["page"], per_page=PER_PAGE, error_out=False)
    items = list(page.items)
    counts = queue.open_report_counts([x.id for x in items])
    return {"items": [_dump(x, report_counts=counts) for x in items], "page": page.page,
            "pages": page.pages, "total": page.total}


@blp.route("/moderation/queue")
@moderators_only
@blp.arguments(QueueArgs, location="query")
@blp.response(200, page_of(ListingSchema))
def moderation_queue(args):
    """The queue: one view (`status`, default pending, oldest first), filtered by `category` and, for pending
    listings, `age` (fresh: under 9 h; due_soon: 9-24 h; overdue: past the 24 h SLA)."""
    page = db.paginate(queue.queue_select(args["status"], args["category"], args["age"]),
                       page=args["page"], per_page=PER_PAGE, error_out=False)
    items = list(page.items)
    counts = queue.open_report_counts([x.id for x in items])
    return page_body([staff_listing(x, report_counts=counts) for x in items], args["page"], page.total or 0,
                     PER_PAGE)


@blp.route("/listings/<int:listing_id>")
@_members_or(moderators_or_overseers)
@blp.response(200, ListingSchema, description="Staff get every field but `reason` and `own`; a member `id`, "
                                              "`title`, `description`, `status`, `submitted_at`, `reason`, "
                                              "`price`, `category`, `images` and `own`")
def get_listing(listing_id):
    """One listing; staff (moderators, team leaders) also get its decision history."""
    listing = _listing_or_404(listing_id)
    if signed_in_user().role == Role.CLIENT.value:
        return {**queue.member_view(listing), "own": listing.seller_id == signed_in_user().id}
    return staff_listing(listing, with_history=True)


@blp.route("/listings/<int:listing_id>/claim", methods=["POST"])
@moderators_only
@blp.response(200, ListingSchema)
def claim(listing_id):
    """Claim a pending listing for MODERATION_CLAIM_MINUTES (renews one's own claim); 409 while another
    moderator holds it, once it is no longer pending, or past MODERATION_MAX_CLAIMS claims."""
    listing = _listing_or_404(listing_id)
    services.claim_listing(signed_in_user(), listing)
    db.session.commit()
    return staff_listing(listing)


@blp.route("/listings/<int:listing_id>/claim", methods=["DELETE"])
@moderators_only
@blp.response(204)
def release(listing_id):
    """Give up one's claim."""
    services.release_claim(signed_in_user(), _listing_or_404(listing_id))
    db.session.commit()


@blp.route("/listings/<int:listing_id>/decisions", methods=["POST"])
@moderators_only
@blp.arguments(DecisionSchema)
@blp.response(201, DecisionSchema)
def add_decision(data, listing_id):
    """Approve or reject (free-text reason required to reject); 409 while another moderator holds the claim
    or once the listing is no longer pending. (Declared reasons: POST /listings/<id>/decision.)"""
    listing = _listing_or_404(listing_id)
    decision = services.decide(signed_in_user(), listing, data["decision"], data.get("reason"),
                               data.get("note"))
    db.session.commit()
    return decision


@blp.route("/listings/<int:listing_id>/decision", methods=["POST"])
@moderators_only
@blp.arguments(DecisionInSchema)
@blp.response(201, DecisionSchema)
def decide(data, listing_id):
    """Approve, or reject with a declared `reason` (and `text`, required for "other"); the seller is told.
    409 when another moderator holds the claim or the listing is no longer pending: a live listing changes
    only through review."""
    listing = _listing_or_404(listing_id)
    decision = services.decide(signed_in_user(), listing, data["decision"], data.get("text"), data.get("note"),
                               reason_code=data.get("reason"))
    db.session.commit()
    return decision


@blp.route("/moderation/bulk", methods=["POST"])
@moderators_only
@blp.arguments(BulkInSchema)
@blp.response(200, BulkOutSchema, description="Every listing decided")
@blp.alt_response(409, schema=BulkOutSchema, description="Nothing decided; `results` says why, per listing")
def bulk(data):
    """Approve or reject listings one holds claims on, all or nothing, with a result per listing."""
    ok, results = services.bulk_decide(signed_in_user(), data["listing_ids"], data["decision"], data.get("reason"),
                                       data.get("text"))
    if not ok:
        return BulkOutSchema().dump({"applied": False, "results": results}), 409
    db.session.commit()
    return {"applied": True, "results": results}


@blp.route("/listings/<int:listing_id>/reports", methods=["POST"])
@roles_required(Role.CLIENT.value)
@blp.arguments(ReportSchema)
@blp.response(201, ReportSchema)
def report(data, listing_id):
    """A member reports a listing they can see; it returns to the moderators' Reported view."""
    listing = _listing_or_404(listing_id)
    row = reports.report_listing(signed_in_user(), listing, data["reason"], data.get("text"))
    db.session.commit()
    return row


class ResolvedSchema(Schema):
    resolved = fields.Int(required=True, metadata={"description": "how many open reports were closed"})


@blp.route("/listings/<int:listing_id>/reports/resolve", methods=["POST"])
@moderators_only
@blp.response(200, ResolvedSchema)
def resolve(listing_id):
    """Close a listing's open reports, keeping its decision."""
    listing = _listing_or_404(listing_id)
    n = reports.resolve_reports(signed_in_user(), listing)
    db.session.commit()
    return {"resolved": n}


# The members' listing endpoints and the review endpoints live beside this module, on the same blp.
from helpdesk.moderation import member_api, review_api  # noqa: E402,F401
