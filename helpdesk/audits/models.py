"""Auditors' feedback on coach replies, the coach communication area and the sample queue."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

COLORS = ("green", "blue", "yellow")
COLOR_LABELS = {"green": "Outstanding", "blue": "Suggestion", "yellow": "Needs Improvement"}


class Audit(db.Model):
    """One auditor's colour and comment on one coach message."""

    __tablename__ = "audits"
    __table_args__ = (
        CheckConstraint("color IN ('green','blue','yellow')", name="color"),
        CheckConstraint("resolution IS NULL OR resolution IN ('upheld','overturned')", name="resolution"),
        # One audit per reply and auditor: a double submit must not count a Needs Improvement twice.
        UniqueConstraint("message_id", "auditor_id", name="uq_audits_message_auditor"),
        Index("ix_audits_message", "message_id"),
        Index("ix_audits_coach_at", "coach_id", "at"),
        Index("ix_audits_color_at", "color", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    # The audited message's author, kept here so a coach's audits need no join.
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    color: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str | None] = mapped_column(db.Text)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    # A Yellow is acted on when the coach links a better reply in the same thread.
    acted_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    acted_at = mapped_column(UTCDateTime, nullable=True)

    # One dispute per Yellow; a team leader upholds or overturns it.
    disputed_at = mapped_column(UTCDateTime, nullable=True)
    dispute_reason: Mapped[str | None] = mapped_column(db.Text)
    resolution: Mapped[str | None] = mapped_column(String(12))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at = mapped_column(UTCDateTime, nullable=True)

    message = relationship("Message", foreign_keys=[message_id])
    acted_message = relationship("Message", foreign_keys=[acted_message_id])
    coach = relationship("User", foreign_keys=[coach_id])
    auditor = relationship("User", foreign_keys=[auditor_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])


class CommunicationNote(db.Model):
    """A staff-only note in the coach communication area at the top of a thread."""

    __tablename__ = "communication_notes"
    __table_args__ = (Index("ix_communication_notes_thread_created", "thread_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    # Set when the note links a follow-up reply to a Yellow audit.
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    linked_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


FREE = "audit_id IS NULL AND claimed_by_id IS NULL"
CLAIMED = "audit_id IS NULL AND claimed_by_id IS NOT NULL"


class AuditSample(db.Model):
    """A coach reply drawn into the auditors' daily queue."""

    __tablename__ = "audit_samples"
    __table_args__ = (
        UniqueConstraint("message_id", name="uq_audit_samples_message"),
        Index("ix_audit_samples_day_claimed", "sample_day", "claimed_by_id"),
        # The queue reads the open items (not yet audited) only, which are few beside all of history: free ones
        # in order of day and by coach, and each auditor's claims (helpdesk/audits/queue.py).
        Index("ix_audit_samples_free_day", "sample_day", "id", postgresql_where=text(FREE), sqlite_where=text(FREE)),
        Index("ix_audit_samples_free_coach", "coach_id", "sample_day", "id", postgresql_where=text(FREE),
              sqlite_where=text(FREE)),
        Index("ix_audit_samples_claimed_open", "claimed_by_id", "sample_day", "id", postgresql_where=text(CLAIMED),
              sqlite_where=text(CLAIMED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sample_day = mapped_column(db.Date, nullable=False)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at = mapped_column(UTCDateTime, nullable=True)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)

    message = relationship("Message")
