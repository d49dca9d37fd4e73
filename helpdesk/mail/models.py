"""Email choices, deliveries and the sweep's place in the notifications."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow


class MailPreference(db.Model):
    """How one user wants one kind of notification emailed (no row: the kind's default)."""

    __tablename__ = "mail_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_mail_preferences_user_kind"),
        CheckConstraint("mode IN ('instant','digest','off')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))


class MailDelivery(db.Model):
    """One email: a notification sent right away, or one user's digest of a day.

    `notification_id` and `digest_key` are unique, so however many sweeps run at once, each notification
    and each day's digest is queued once. status: queued -> sending -> sent, or failed (retried)."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", name="uq_mail_deliveries_notification"),
        UniqueConstraint("digest_key", name="uq_mail_deliveries_digest_key"),
        CheckConstraint("status IN ('queued','sending','sent','failed')", name="status"),
        Index("ix_mail_deliveries_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    digest_key: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    claimed_at = mapped_column(UTCDateTime, nullable=True)
    sent_at = mapped_column(UTCDateTime, nullable=True)


class MailCursor(db.Model):
    """How far the instant sweep has read the notifications table (the highest id it has seen)."""

    __tablename__ = "mail_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
