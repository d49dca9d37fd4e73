"""Citizen reports: a member flags a listing; it waits in the queue's Reported view until resolved."""

from datetime import datetime

from sqlalchemy import select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ListingReport
from helpdesk.moderation.services import ModerationError, _require_moderator
from helpdesk.types import utcnow


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
