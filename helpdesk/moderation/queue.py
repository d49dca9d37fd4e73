"""The queue's views (metrics.md section 3: a listing waits from submission to its first decision), counts,
and what members see: the marketplace and their own listings."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.moderation.counts import status_counts
from helpdesk.moderation.models import CATEGORIES, Listing, ListingReport
from helpdesk.moderation.services import ModerationError, reason_for_seller
from helpdesk.text_match import contains
from helpdesk.types import utcnow

VIEWS = ("pending", "reported", "approved", "hidden", "rejected", "removed")
# Age bands of a pending listing: under the 9 h target, between it and the 24 h SLA, past the SLA.
AGES = ("fresh", "due_soon", "overdue")


def due_at(listing: Listing) -> datetime:
    """When a pending listing must be decided: SLA_HOURS after submission (metrics.md section 3)."""
    return listing.submitted_at + timedelta(hours=current_app.config["SLA_HOURS"])


def is_overdue(listing: Listing, now: datetime | None = None) -> bool:
    """A pending listing past its due time."""
    return listing.status == "pending" and due_at(listing) < (now or utcnow())


def _age_clause(age: str, now: datetime):
    sla = now - timedelta(hours=current_app.config["SLA_HOURS"])
    target = now - timedelta(hours=current_app.config["TARGET_HOURS"])
    return {"fresh": Listing.submitted_at > target,
            "due_soon": (Listing.submitted_at <= target) & (Listing.submitted_at >= sla),
            "overdue": Listing.submitted_at < sla}[age]


def queue_select(view: str = "pending", category: str | None = None, age: str | None = None,
                 now: datetime | None = None):
    """A select of the listings in one view of the queue, in the order they should be worked: pending oldest
    first; reported by their oldest open report; decided ones newest first. Seller and claimant come along
    (one query each for a page, not one per row)."""
    if view not in VIEWS:
        raise ModerationError(422, f"Unknown view; choose one of {', '.join(VIEWS)}.", field="status")
    if category is not None and category not in CATEGORIES:
        raise ModerationError(422, f"Unknown category; choose one of {', '.join(CATEGORIES)}.", field="category")
    if age is not None and age not in AGES:
        raise ModerationError(422, f"Unknown age; choose one of {', '.join(AGES)}.", field="age")
    stmt = select(Listing).options(selectinload(Listing.seller), selectinload(Listing.claimed_by),
                                   selectinload(Listing.images))
    if category:
        stmt = stmt.where(Listing.category == category)
    if view == "pending":
        if age:  # ages are of pending listings: how long each has waited for its first decision
            stmt = stmt.where(_age_clause(age, now or utcnow()))
        return stmt.where(Listing.status == "pending").order_by(Listing.submitted_at, Listing.id)
    if view == "reported":
        # Ordered inside as well as outside: the planner then walks the open reports' listings in page order and
        # fetches a page's worth of listings by id, instead of joining every listing ever submitted and sorting.
        first = func.min(ListingReport.created_at).label("first")
        first_open = (select(ListingReport.listing_id, first).where(ListingReport.is_open.is_(True))
                      .group_by(ListingReport.listing_id).order_by(first, ListingReport.listing_id).subquery())
        return (stmt.join(first_open, first_open.c.listing_id == Listing.id)
                .order_by(first_open.c.first, first_open.c.listing_id))
    return stmt.where(Listing.status == view).order_by(Listing.submitted_at.desc(), Listing.id.desc())


def queue_counts(category: str | None = None, now: datetime | None = None) -> dict[str, int]:
    """How many listings each view holds (under the category filter), plus pending ones past the SLA.

    The statuses come from the counts the database keeps (moderation/counts.py), never from a count of every
    listing; the overdue ones, which depend on now, from the pending listings by submission time (an index
    range), and the reported ones from the open reports only."""
    sla_start = (now or utcnow()) - timedelta(hours=current_app.config["SLA_HOURS"])
    overdue = select(func.count()).select_from(Listing).where(Listing.status == "pending",
                                                              Listing.submitted_at < sla_start)
    reported = select(func.count(func.distinct(ListingReport.listing_id))).where(ListingReport.is_open.is_(True))
    if category:
        overdue = overdue.where(Listing.category == category)
        # Each reported listing's category looked up by id (a few probes of the primary key), not a join that
        # the planner answers by reading every listing.
        reported_ids = select(ListingReport.listing_id).where(ListingReport.is_open.is_(True)).distinct().subquery()
        category_of = select(Listing.category).where(Listing.id == reported_ids.c.listing_id).scalar_subquery()
        reported = select(func.count()).select_from(reported_ids).where(category_of == category)
    counts = dict.fromkeys((*VIEWS, "overdue"), 0)
    counts.update((status, n) for status, n in status_counts(category).items() if status in counts)
    counts["overdue"], counts["reported"] = db.session.execute(
        select(overdue.scalar_subquery(), reported.scalar_subquery())).one()
    return counts


def open_report_counts(listing_ids: list[int]) -> dict[int, int]:
    """listing id -> its open reports, for one page of listings in one query."""
    if not listing_ids:
        return {}
    rows = db.session.execute(
        select(ListingReport.listing_id, func.count()).where(ListingReport.listing_id.in_(listing_ids),
                                                             ListingReport.is_open.is_(True))
        .group_by(ListingReport.listing_id)
    ).all()
    return dict(rows)


def age_badge(since: datetime, now: datetime | None = None) -> str:
    """calm under the 9 h target, amber up to the 24 h SLA, red past it (metrics.md section 3)."""
    hours = ((now or utcnow()) - since).total_seconds() / 3600
    if hours > current_app.config["SLA_HOURS"]:
        return "badge-red"
    return "badge-amber" if hours >= current_app.config["TARGET_HOURS"] else "badge-calm"


def marketplace_select(q: str | None = None):
    """The listings live on the marketplace (approved), newest first; `q` matches title or description."""
    stmt = select(Listing).where(Listing.status == "approved")
    if q:
        stmt = stmt.where(contains(Listing.title, q) | contains(Listing.description, q))
    return stmt.order_by(Listing.submitted_at.desc(), Listing.id.desc())


def listings_of_seller(seller: User):
    """A member's own listings, newest first."""
    return select(Listing).where(Listing.seller_id == seller.id).order_by(Listing.submitted_at.desc())


def seller_view(listing: Listing) -> dict:
    """What a seller may know of their listing: its status, and the reason if it was not approved or was
    removed after review (never who moderated it, nor moderators' notes)."""
    latest = listing.decisions[-1] if listing.decisions else None
    reason = (reason_for_seller(latest.reason_code, latest.reason)
              if latest is not None and latest.decision == "reject" else None)
    return {"id": listing.id, "title": listing.title, "description": listing.description,
            "submitted_at": listing.submitted_at, "status": listing.status, "reason": reason}


def member_view(listing: Listing) -> dict:
    """seller_view plus what any member may see of the listing: price, category, photos."""
    return {**seller_view(listing), "price": listing.price, "category": listing.category,
            "images": listing.images}
