"""Members list things: create a listing, edit it while pending, withdraw it; its photos."""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import undefer

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation import history
from helpdesk.moderation.images import MAX_IMAGES, clean_image
from helpdesk.moderation.models import CATEGORIES, Listing, ListingImage, ListingUpload
from helpdesk.moderation.services import ModerationError, flush_or_409, listing_visible_to
from helpdesk.types import utcnow

MAX_PRICE = Decimal("1000000")
WITHDRAWABLE = ("pending", "approved")
# Photos uploaded on their own wait this long to be attached, and a member keeps at most this many waiting.
UPLOAD_KEPT = timedelta(hours=24)
MAX_WAITING_UPLOADS = 20
_IMAGE_COLUMNS = ("content_type", "data", "thumbnail", "width", "height", "size")


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


def _cleaned(user: User, uploads: list[bytes], upload_ids: list[int] = (), already: int = 0) -> list[dict]:
    """Every photo checked and cleaned before anything is stored: the files sent with the request, then the
    member's own earlier uploads named by id (taken: their rows go, inside this transaction)."""
    upload_ids = list(dict.fromkeys(upload_ids))
    if already + len(uploads) + len(upload_ids) > MAX_IMAGES:
        raise ModerationError(422, f"A listing has at most {MAX_IMAGES} photos.",
                              field="image_ids" if upload_ids else "images")
    return [clean_image(data) for data in uploads] + _take_uploads(user, upload_ids)


def _take_uploads(user: User, upload_ids: list[int]) -> list[dict]:
    """The member's waiting uploads by id, removed from the waiting list. Locked (FOR UPDATE on PostgreSQL),
    so two listings sent at once cannot both take the same photo: the second finds it gone."""
    if not upload_ids:
        return []
    rows = {row.id: row for row in db.session.scalars(
        select(ListingUpload).where(ListingUpload.id.in_(upload_ids), ListingUpload.uploader_id == user.id)
        .options(undefer(ListingUpload.data), undefer(ListingUpload.thumbnail)).with_for_update())}
    missing = [i for i in upload_ids if i not in rows]
    if missing:
        raise ModerationError(422, f"No uploaded photo {missing[0]} of yours is waiting (uploads are kept "
                                   f"{int(UPLOAD_KEPT.total_seconds() // 3600)} hours).", field="image_ids")
    taken = [{c: getattr(rows[i], c) for c in _IMAGE_COLUMNS} for i in upload_ids]
    db.session.execute(delete(ListingUpload).where(ListingUpload.id.in_(upload_ids))
                       .execution_options(synchronize_session=False))
    return taken


def upload_photo(user: User, data: bytes, now: datetime | None = None) -> ListingUpload:
    """A member's photo on its own, checked and cleaned now, to attach by id to a listing within UPLOAD_KEPT."""
    _require_client(user)
    now = now or utcnow()
    # Counted under a lock on the member's row (PostgreSQL), so uploads sent at once cannot pass the bound.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    waiting = db.session.scalar(select(func.count()).select_from(ListingUpload).where(
        ListingUpload.uploader_id == user.id, ListingUpload.created_at >= now - UPLOAD_KEPT))
    if waiting >= MAX_WAITING_UPLOADS:
        raise ModerationError(409, f"You have {waiting} photos waiting to be attached; attach them to a listing "
                                   "or wait a day for them to expire.", field="image")
    upload = ListingUpload(uploader_id=user.id, created_at=now, **clean_image(data))
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_expires_at(upload: ListingUpload) -> datetime:
    return upload.created_at + UPLOAD_KEPT


def purge_uploads(now: datetime | None = None) -> int:
    """Delete the uploads never attached within UPLOAD_KEPT; how many went."""
    cutoff = (now or utcnow()) - UPLOAD_KEPT
    return db.session.execute(delete(ListingUpload).where(ListingUpload.created_at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount


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
                   uploads: list[bytes] = (), now: datetime | None = None, upload_ids: list[int] = ()) -> Listing:
    """A member's new listing, pending moderation (metrics.md section 3: it waits from now), with the photos
    sent (`uploads`) and earlier uploads of theirs (`upload_ids`)."""
    _require_client(user)
    fields = _checked_fields(title, description, price, category)
    cleaned = _cleaned(user, list(uploads), list(upload_ids))
    listing = Listing(seller_id=user.id, submitted_at=now or utcnow(), status="pending", **fields)
    db.session.add(listing)
    db.session.flush()
    _add_images(listing, cleaned)
    history.record(listing.id, "submitted", user.id, None, listing.submitted_at)
    return listing


def edit_listing(user: User, listing: Listing, title: str, description: str | None, price, category: str,
                 uploads: list[bytes] = (), remove_image_ids: list[int] = (), now: datetime | None = None,
                 upload_ids: list[int] = ()) -> Listing:
    """The seller edits a listing while it is pending. One conditional UPDATE (WHERE status = 'pending'), so an
    edit racing a moderator's decision either lands before it or is refused: a decided listing never changes
    under the decision."""
    _require_client(user)
    if listing.seller_id != user.id:
        raise ModerationError(404, "No such listing.")
    fields = _checked_fields(title, description, price, category)
    remove = set(remove_image_ids)
    kept = sum(1 for image in listing.images if image.id not in remove)
    cleaned = _cleaned(user, list(uploads), list(upload_ids), kept)
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
