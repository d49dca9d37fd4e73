"""Marketplace listings, moderators' decisions and citizen reports."""

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import Money, UTCDateTime, utcnow

# Declared lists (issue #12): what a listing may be, and why a moderator may turn one down.
CATEGORIES = {"electronics": "Electronics", "home": "Home and garden", "fashion": "Clothing and accessories",
              "vehicles": "Vehicles and parts", "hobbies": "Hobbies and toys", "services": "Services",
              "other": "Other"}
REPORT_REASONS = {"prohibited_item": "Prohibited item", "misleading": "Misleading", "duplicate": "Duplicate",
                  "offensive": "Offensive", "other": "Other"}
REJECT_REASONS = {"prohibited_item": "Prohibited item", "misleading": "Misleading title, price or photos",
                  "poor_photos": "Photos missing or unclear", "wrong_category": "Wrong category",
                  "duplicate": "Duplicate listing", "offensive": "Offensive content", "other": "Other"}


PENDING = "status = 'pending'"


def _one_of(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        # "hidden": live but taken down automatically by weighted reports, pending review (not a decision).
        CheckConstraint("status IN ('pending','approved','rejected','removed','withdrawn','hidden')",
                        name="status"),
        CheckConstraint(_one_of("category", CATEGORIES), name="category"),
        CheckConstraint("price >= 0", name="price"),
        Index("ix_listings_status_submitted", "status", "submitted_at"),
        # A moderator's claims (services.claims_held, on every queue page) among the pending listings only.
        Index("ix_listings_pending_claimed", "claimed_by_id", "claimed_at", postgresql_where=text(PENDING),
              sqlite_where=text(PENDING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(db.Text)
    category: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    # Money (helpdesk.types: exact, scaled integer); none for imported listings, which had no price.
    price = mapped_column(Money, nullable=True)
    edited_at = mapped_column(UTCDateTime, nullable=True)
    submitted_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # "pending" until the first decision, then its outcome; "removed" when a review rejects a live listing.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    first_decision_at = mapped_column(UTCDateTime, nullable=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at = mapped_column(UTCDateTime, nullable=True)

    seller = relationship("User", foreign_keys=[seller_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    decisions = relationship("ModerationDecision", back_populates="listing",
                             order_by="[ModerationDecision.at, ModerationDecision.id]")
    reports = relationship("ListingReport", back_populates="listing", order_by="ListingReport.created_at")
    images = relationship("ListingImage", back_populates="listing", order_by="ListingImage.position",
                          cascade="all, delete-orphan")


class CleanedPhoto:
    """The columns of a photo as `images.clean_image` leaves it: re-encoded bytes, thumbnail, type and size."""

    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size: Mapped[int] = mapped_column()
    # Deferred: lists load which photos exist, never their bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, deferred=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ListingImage(CleanedPhoto, db.Model):
    """A listing's photo, re-encoded (no metadata) with its thumbnail; at most 4 per listing (positions 0-3,
    unique, so two uploads at once cannot make a fifth).

    The bytes live in the database rather than under instance/: they are written and rolled back in the same
    transaction as the listing (no orphan files, nothing to clean up after a refused request), backed up with
    it, and every web process sees them without a shared disk. 4 x 5 MB per listing is small for PostgreSQL."""

    __tablename__ = "listing_images"
    __table_args__ = (
        UniqueConstraint("listing_id", "position", name="uq_listing_images_listing_position"),
        CheckConstraint("position >= 0 AND position < 4", name="position"),
        CheckConstraint("content_type IN ('image/png','image/jpeg','image/webp')", name="content_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    position: Mapped[int] = mapped_column()

    listing = relationship("Listing", back_populates="images")


class ModerationDecision(db.Model):
    __tablename__ = "moderation_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('approve','reject')", name="decision"),
        Index("ix_moderation_decisions_moderator_at", "moderator_id", "at"),
        Index("ix_moderation_decisions_listing_at", "listing_id", "at"),
        # The month's decisions of every moderator (section9_counts, the ranking): a range on `at` alone.
        Index("ix_moderation_decisions_at", "at"),
        CheckConstraint("stage IN ('queue','review')", name="stage"),
        CheckConstraint(_one_of("reason_code", REJECT_REASONS), name="reason_code"),
        # The last line of defence behind the conditional updates in services.decide and reports.remove:
        # one decision takes a listing out of the queue, one review removal takes it off the marketplace.
        UniqueConstraint("listing_id", "stage", name="uq_moderation_decisions_listing_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(10))
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Shown to the seller on a reject: the declared reason (REJECT_REASONS) and the moderator's words;
    # `note` is for moderators only.
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(db.Text)
    note: Mapped[str | None] = mapped_column(db.Text)
    # "queue": the decision on the pending listing; "review": a live listing removed after review.
    # Imported history (import-format.md "moderation") has none: a program's past may hold any sequence.
    stage: Mapped[str | None] = mapped_column(String(6))

    listing = relationship("Listing", back_populates="decisions")
    moderator = relationship("User")


class ListingReport(db.Model):
    """A member's report that a listing breaks the marketplace rules."""

    __tablename__ = "listing_reports"
    __table_args__ = (
        CheckConstraint(_one_of("reason_code", REPORT_REASONS), name="reason_code"),
        CheckConstraint("outcome IN ('upheld','dismissed')", name="outcome"),
        CheckConstraint("is_open", name="is_open"),
        # One open report per member and listing: `is_open` is true while open and NULL once resolved, and
        # NULLs never collide, so closed reports do not stop a new one.
        UniqueConstraint("listing_id", "reporter_id", "is_open", name="uq_listing_reports_open"),
        Index("ix_listing_reports_reporter_outcome", "reporter_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason_code: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    reason: Mapped[str] = mapped_column(db.Text)
    # Open unless created already resolved (imported or demo history).
    is_open: Mapped[bool | None] = mapped_column(
        default=lambda ctx: None if ctx.get_current_parameters().get("resolved_at") else True)
    # How the review ended for this report: "upheld" (listing removed) or "dismissed" (kept).
    outcome: Mapped[str | None] = mapped_column(String(10))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    resolved_at = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    listing = relationship("Listing", back_populates="reports")
    reporter = relationship("User", foreign_keys=[reporter_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])


class ListingEvent(db.Model):
    """One line of a listing's history for staff: submitted, edited, claimed, released, decided, reported,
    kept, removed, overturn, auto_hidden, withdrawn; who and when."""

    __tablename__ = "listing_events"
    __table_args__ = (Index("ix_listing_events_listing_at", "listing_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(db.Text)

    actor = relationship("User")


class ListingUpload(CleanedPhoto, db.Model):
    """A photo a member uploaded on its own (`POST /api/v1/listing-uploads`), cleaned like any listing photo,
    waiting to be attached by id to a listing they create or edit (JSON with `image_ids`). Attaching moves it
    into listing_images; one never attached is deleted after UPLOAD_KEPT_HOURS by the housekeeping job."""

    __tablename__ = "listing_uploads"
    __table_args__ = (
        CheckConstraint("content_type IN ('image/png','image/jpeg','image/webp')", name="content_type"),
        Index("ix_listing_uploads_uploader_created", "uploader_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class ListingCount(db.Model):
    """How many listings hold each (status, category): the queue's tabs read these few rows instead of counting
    every listing ever submitted. Kept by the database itself (moderation/counts.py: a trigger on listings), so
    every writer - services, imports, the generator's COPY, a test's factory - moves them in its own transaction;
    `counts.recount` rebuilds them from scratch."""

    __tablename__ = "listing_counts"

    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(nullable=False, default=0)


# Created before listings and emptied after them (tests' committed_db deletes every table in reverse order):
# a listing deleted moves its count, so the counts must still be there to move.
Listing.__table__.add_is_dependent_on(ListingCount.__table__)


# The trigger that keeps listing_counts (moderation/counts.py says why). The migration a6e5d0c0de16 adds the
# same to an existing database (a frozen copy: keep the two alike).
_UPSERT = ("INSERT INTO listing_counts (status, category, n) {rows} "
           "ON CONFLICT (status, category) DO UPDATE SET n = listing_counts.n + excluded.n;")
POSTGRESQL_DDL = (
    f"""CREATE OR REPLACE FUNCTION listing_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_UPSERT.format(rows="SELECT status, category, count(*) FROM moved_in GROUP BY 1, 2 ORDER BY 1, 2")}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(rows="SELECT status, category, -count(*) FROM moved_out GROUP BY 1, 2 ORDER BY 1, 2")}
    ELSE
        {_UPSERT.format(rows="SELECT status, category, sum(delta) FROM (SELECT status, category, 1 AS delta "
                             "FROM moved_in UNION ALL SELECT status, category, -1 FROM moved_out) AS moves "
                             "GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2")}
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER listing_counts_insert AFTER INSERT ON listings REFERENCING NEW TABLE AS moved_in "
    "FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
    "CREATE TRIGGER listing_counts_update AFTER UPDATE ON listings REFERENCING OLD TABLE AS moved_out "
    "NEW TABLE AS moved_in FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
    "CREATE TRIGGER listing_counts_delete AFTER DELETE ON listings REFERENCING OLD TABLE AS moved_out "
    "FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
)
SQLITE_DDL = (
    """CREATE TRIGGER listing_counts_insert AFTER INSERT ON listings BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (NEW.status, NEW.category, 1)
    ON CONFLICT (status, category) DO UPDATE SET n = n + 1;
END""",
    """CREATE TRIGGER listing_counts_delete AFTER DELETE ON listings BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (OLD.status, OLD.category, -1)
    ON CONFLICT (status, category) DO UPDATE SET n = n - 1;
END""",
    """CREATE TRIGGER listing_counts_update AFTER UPDATE OF status, category ON listings
WHEN OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (OLD.status, OLD.category, -1)
    ON CONFLICT (status, category) DO UPDATE SET n = n - 1;
    INSERT INTO listing_counts (status, category, n) VALUES (NEW.status, NEW.category, 1)
    ON CONFLICT (status, category) DO UPDATE SET n = n + 1;
END""",
)
for _statement in POSTGRESQL_DDL:
    event.listen(Listing.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_DDL:
    event.listen(Listing.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
