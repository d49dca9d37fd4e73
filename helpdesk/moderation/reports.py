"""Citizen reports: a member flags a listing; it waits in the queue's Reported view until resolved."""

from datetime import datetime

from sqlalchemy import select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ListingReport, ModerationDecision
from helpdesk.moderation.services import ModerationError, _require_moderator, flush_or_409
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

LIVE = ("approved",)


def report_listing(user: User, listing: Listing, reason: str | None, now: datetime | None = None) -> ListingReport:
    """A client reports a listing they can see; one open report per member and listing."""
    if user.role != Role.CLIENT.value:
        raise ModerationError(403, "Only members report listings; moderators re-review them from the queue.")
    if listing.seller_id == user.id:
        raise ModerationError(422, "You cannot report your own listing.", field="listing")
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(422, "Say what is wrong with the listing.", field="reason")
    if len(reason) > 2000:
        raise ModerationError(422, "Keep the reason under 2000 characters.", field="reason")
    already = db.session.scalar(select(ListingReport.id).where(
        ListingReport.listing_id == listing.id, ListingReport.reporter_id == user.id,
        ListingReport.resolved_at.is_(None)))
    if already:
        raise ModerationError(409, "You have already reported this listing; a moderator will review it.")
    report = ListingReport(listing_id=listing.id, reporter_id=user.id, reason=reason, created_at=now or utcnow())
    db.session.add(report)
    db.session.flush()
    return report


def open_reports(listing: Listing) -> list[ListingReport]:
    return [r for r in listing.reports if r.resolved_at is None]


def resolve_reports(user: User, listing: Listing, now: datetime | None = None) -> int:
    """Close a listing's open reports without changing its decision (the report was unfounded)."""
    _require_moderator(user)
    result = db.session.execute(
        update(ListingReport).where(ListingReport.listing_id == listing.id, ListingReport.resolved_at.is_(None))
        .values(resolved_at=now or utcnow(), resolved_by_id=user.id).execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        raise ModerationError(409, "This listing has no open reports.")
    db.session.flush()
    db.session.expire(listing, ["reports"])
    return result.rowcount


def approver_id(listing: Listing) -> int | None:
    """Who approved the listing in the queue (the moderator a removal would overturn)."""
    return db.session.scalar(select(ModerationDecision.moderator_id).where(
        ModerationDecision.listing_id == listing.id, ModerationDecision.decision == "approve")
        .order_by(ModerationDecision.at.desc(), ModerationDecision.id.desc()).limit(1))


def remove_listing(user: User, listing: Listing, reason: str | None, note: str | None = None,
                   now: datetime | None = None) -> ModerationDecision:
    """Review: take a live listing off the marketplace with a reject decision the seller reads.

    A reject after someone else's approval is an overturn (metrics.md section 9), so the approver never reviews
    their own approval. One conditional UPDATE moves the listing from live to removed: of two reviewers at once,
    one removes and the other gets a 409; the unique (listing, stage) constraint backs it."""
    _require_moderator(user)
    reason = (reason or "").strip() or None
    if not reason:
        raise ModerationError(422, "Removing a listing needs a reason the seller can read.", field="reason")
    if approver_id(listing) == user.id:
        raise ModerationError(403, "You approved this listing; another moderator reviews it.")
    now = now or utcnow()
    taken = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status.in_(LIVE))
        .values(status="removed").returning(Listing.id).execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise ModerationError(409, f"This listing is not live (it is {listing.status}); there is nothing to review.")
    row = ModerationDecision(listing_id=listing.id, moderator_id=user.id, decision="reject", at=now,
                             reason=reason, note=(note or "").strip() or None, stage="review")
    db.session.add(row)
    flush_or_409(f"Listing {listing.id} has already been removed.")
    db.session.execute(
        update(ListingReport).where(ListingReport.listing_id == listing.id, ListingReport.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=user.id).execution_options(synchronize_session=False)
    )
    notify(listing.seller_id, "listing_decision",
           f"Your listing “{listing.title}” was removed from the marketplace after review: {reason}",
           link=f"/listings/{listing.id}")
    db.session.flush()
    db.session.expire(listing, ["decisions", "reports"])
    return row
