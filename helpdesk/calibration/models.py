"""Calibration items: a coach reply several auditors review independently, and their reviews."""

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow


class CalibrationItem(db.Model):
    """A reply several auditors review independently, to measure how well they agree."""

    __tablename__ = "calibration_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    # How many independent reviews close the item and reveal the colours.
    reviewers_needed: Mapped[int] = mapped_column(default=3)

    message = relationship("Message")
    reviews = relationship("CalibrationReview", back_populates="item")


class CalibrationReview(db.Model):
    """One auditor's independent colour (and comment) on a calibration item; once per item and auditor."""

    __tablename__ = "calibration_reviews"
    __table_args__ = (
        UniqueConstraint("item_id", "auditor_id", name="uq_calibration_reviews_item_auditor"),
        CheckConstraint("color IN ('green','blue','yellow')", name="color"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("calibration_items.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    color: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(db.Text)
    at = mapped_column(UTCDateTime, default=utcnow)

    item = relationship("CalibrationItem", back_populates="reviews")
    auditor = relationship("User")
