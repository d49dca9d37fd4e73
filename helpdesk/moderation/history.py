"""A listing's history for staff: one event per thing that happened to it, written by the service that did it."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ListingEvent
from helpdesk.types import utcnow

KINDS = {"submitted": "Submitted", "edited": "Edited by the seller", "claimed": "Claimed", "released": "Claim released",
         "decided": "Decided", "reported": "Reported", "kept": "Kept after review", "removed": "Removed after review",
         "overturn": "Overturn of the approval", "auto_hidden": "Hidden automatically, pending review",
         "withdrawn": "Withdrawn by the seller"}


def record(listing_id: int, kind: str, actor_id: int | None, detail: str | None = None,
           at: datetime | None = None) -> None:
    """Add one line to the listing's history (in the caller's transaction)."""
    db.session.add(ListingEvent(listing_id=listing_id, kind=kind, actor_id=actor_id, detail=detail,
                                at=at or utcnow()))


def history(listing: Listing) -> list[ListingEvent]:
    """The listing's history, oldest first."""
    return list(db.session.scalars(select(ListingEvent).options(selectinload(ListingEvent.actor))
                                   .where(ListingEvent.listing_id == listing.id)
                                   .order_by(ListingEvent.at, ListingEvent.id)))
