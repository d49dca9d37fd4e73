"""Members list things: create a listing, edit it while pending, withdraw it; its photos."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation import history
from helpdesk.moderation.images import MAX_IMAGES, clean_image
from helpdesk.moderation.models import CATEGORIES, Listing, ListingImage
from helpdesk.moderation.services import ModerationError, flush_or_409, listing_visible_to
from helpdesk.types import utcnow

MAX_PRICE = Decimal("1000000")
WITHDRAWABLE = ("pending", "approved")


def _require_client(user: User) -> None:
    if user.role != Role.CLIENT.value:
        raise ModerationError(403, "Only members list things on the marketplace.")


def checked_price(value) -> Decimal:
    """Money as a Decimal with at most two decimals, 0 to 1,000,000; anything else is a 422 naming `price`."""
    try:
        price = Decimal(str(value).strip().replace(",", "")) if value is not None and str(value).strip() else None
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite():
        raise ModerationError(422, "Give a price in the form 12.50.", field="price")
    if price < 0:
        raise ModerationError(422, "The price cannot be negative.", field="price")
    if price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        raise ModerationError(422, "Give a price up to 1,000,000 with at most two decimals.", field="price")
    return price.quantize(Decimal("0.01"))


def _checked_fields(title, description, price, category) -> dict:
    title = (title or "").strip()
    if not title:
        raise ModerationError(422, "Give the listing a title.", field="title")
    if len(title) > 300:
        raise ModerationError(422, "Keep the title under 300 characters.", field="title")
    description = (description or "").strip() or None
    if description and len(description) > 5000:
        raise ModerationError(422, "Keep the description under 5000 characters.", field="description")
    if category not in CATEGORIES:
        raise ModerationError(422, f"Choose a category from: {', '.join(CATEGORIES)}.", field="category")
    return {"title": title, "description": description, "price": checked_price(price), "category": category}


def _cleaned(uploads: list[bytes], already: int = 0) -> list[dict]:
    """Every photo checked and cleaned before anything is stored."""
    if already + len(uploads) > MAX_IMAGES:
        raise ModerationError(422, f"A listing has at most {MAX_IMAGES} photos.", field="images")
    return [clean_image(data) for data in uploads]


def _add_images(listing: Listing, cleaned: list[dict]) -> None:
    """Add cleaned photos in the free positions; the unique (listing, position) constraint refuses a fifth
    even when two uploads race."""
    taken = set(db.session.scalars(select(ListingImage.position).where(ListingImage.listing_id == listing.id)))
    free = [p for p in range(MAX_IMAGES) if p not in taken]
    if len(cleaned) > len(free):
        raise ModerationError(422, f"A listing has at most {MAX_IMAGES} photos.", field="images")
    flush_or_409("Another upload to this listing came first; reload and try again.",
                 *(ListingImage(listing_id=listing.id, position=p, **image) for p, image in zip(free, cleaned,
                                                                                               strict=False)))
    db.session.expire(listing, ["images"])


def create_listing(user: User, title: str, description: str | None, price, category: str,
                   uploads: list[bytes] = (), now: datetime | None = None) -> Listing:
    """A member's new listing, pending moderation (metrics.md section 3: it waits from now)."""
    _require_client(user)
    fields = _checked_fields(title, description, price, category)
    cleaned = _cleaned(list(uploads))
    listing = Listing(seller_id=user.id, submitted_at=now or utcnow(), status="pending", **fields)
    db.session.add(listing)
    db.session.flush()
    _add_images(listing, cleaned)
    history.record(listing.id, "submitted", user.id, None, listing.submitted_at)
    return listing


def edit_listing(user: User, listing: Listing, title: str, description: str | None, price, category: str,
                 uploads: list[bytes] = (), remove_image_ids: list[int] = (), now: datetime | None = None) -> Listing:
    """The seller edits a listing while it is pending. One conditional UPDATE (WHERE status = 'pending'), so an
    edit racing a moderator's decision either lands before it or is refused: a decided listing never changes
    under the decision."""
    _require_client(user)
    if listing.seller_id != user.id:
        raise ModerationError(404, "No such listing.")
    fields = _checked_fields(title, description, price, category)
    remove = set(remove_image_ids)
    kept = sum(1 for image in listing.images if image.id not in remove)
    cleaned = _cleaned(list(uploads), kept)
    taken = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status == "pending")
        .values(edited_at=now or utcnow(), **fields).returning(Listing.id).execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise ModerationError(409, f"This listing is {listing.status}; only a pending listing can be edited.")
    if remove_image_ids:
        for image in db.session.scalars(select(ListingImage).where(ListingImage.listing_id == listing.id,
                                                                   ListingImage.id.in_(list(remove_image_ids)))):
            db.session.delete(image)
        db.session.flush()
    _add_images(listing, cleaned)
    history.record(listing.id, "edited", user.id, f"{len(cleaned)} photo(s) added, {len(remove)} removed"
                   if cleaned or remove else None, now)
    return listing


def withdraw_listing(user: User, listing: Listing) -> Listing:
    """The seller takes back a pending or live listing (one conditional UPDATE, like a decision)."""
    _require_client(user)
    if listing.seller_id != user.id:
        raise ModerationError(404, "No such listing.")
    taken = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status.in_(WITHDRAWABLE))
        .values(status="withdrawn", claimed_by_id=None, claimed_at=None)
        .returning(Listing.id).execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise ModerationError(409, f"This listing is {listing.status}; it cannot be withdrawn.")
    history.record(listing.id, "withdrawn", user.id)
    return listing


def image_visible_to(user, image: ListingImage | None) -> bool:
    """Anyone sees the photos of a live listing; otherwise whoever may see the listing (seller, moderators)."""
    if image is None:
        return False
    if image.listing.status == "approved":
        return True
    return user.is_authenticated and listing_visible_to(user, image.listing)


def image_count(listing: Listing) -> int:
    return db.session.scalar(select(func.count()).select_from(ListingImage).where(
        ListingImage.listing_id == listing.id))
