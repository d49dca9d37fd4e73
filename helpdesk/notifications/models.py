"""In-app notifications behind the bell."""

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        # A warning is sent once: (user, kind, dedupe_key) is unique when a key is given.
        Index("uq_notifications_dedupe", "user_id", "kind", "dedupe_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(500))
    link: Mapped[str | None] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(100))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    read_at = mapped_column(UTCDateTime, nullable=True)


class WarningScan(db.Model):
    """Watermark of one of the warnings job's scans (client waits, pending listings, Yellow audits, tickets).

    `scanned_through`: every item whose warning fell due up to this instant has been looked at, so the next
    run only reads the items due since (an indexed range on the due instant). `last_id` / `previous_id`: the
    highest row id of the scanned table at this run and at the run before; rows above `previous_id` are
    also read, whatever their due instant, so a row stored late (an import, a replayed wait, a transaction
    that committed after a higher id) is still warned about while its warning is within the lookback.
    """

    __tablename__ = "warning_scans"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    scanned_through = mapped_column(UTCDateTime, nullable=False)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    previous_id: Mapped[int] = mapped_column(BigInteger, default=0)


class WarningClaim(db.Model):
    """One warning of one item (a listing's 24 h breach, a wait's 20 h warning...), announced once.

    Inserted (ON CONFLICT DO NOTHING) in the transaction that stores its notifications, so of two runs at
    once only one announces an item, even when its notifications are grouped ("37 listings passed 24 h")
    and so carry no per-item key. Claims whose due instant is past the lookback are pruned: such items are
    never looked at again.
    """

    __tablename__ = "warning_claims"
    __table_args__ = (Index("ix_warning_claims_due_at", "due_at"),)

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    due_at = mapped_column(UTCDateTime, nullable=False)
