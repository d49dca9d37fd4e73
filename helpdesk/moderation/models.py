"""Marketplace listings, moderators' decisions and citizen reports."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

# Declared lists (issue #12): what a listing may be, and why a moderator may turn one down.
CATEGORIES = {"electronics": "Electronics", "home": "Home and garden", "fashion": "Clothing and accessories",
              "vehicles": "Vehicles and parts", "hobbies": "Hobbies and toys", "services": "Services",
              "other": "Other"}
REJECT_REASONS = {"prohibited_item": "Prohibited item", "misleading": "Misleading title, price or photos",
                  "poor_photos": "Photos missing or unclear", "wrong_category": "Wrong category",
                  "duplicate": "Duplicate listing", "offensive": "Offensive content", "other": "Other"}


def _one_of(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Listing(db.Model):
    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("status IN ('pending','approved','rejected','removed')", name="status"),
        CheckConstraint(_one_of("category", CATEGORIES), name="category"),
        Index("ix_listings_status_submitted", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(db.Text)
    category: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
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


class ModerationDecision(db.Model):
    __tablename__ = "moderation_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('approve','reject')", name="decision"),
        Index("ix_moderation_decisions_moderator_at", "moderator_id", "at"),
        Index("ix_moderation_decisions_listing_at", "listing_id", "at"),
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

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    resolved_at = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    listing = relationship("Listing", back_populates="reports")
    reporter = relationship("User", foreign_keys=[reporter_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
