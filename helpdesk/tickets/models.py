"""Support tickets coaches file (Who, What, Where, When), questions to the team leader, and their history."""

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

# Issue 13: new -> triaged -> in progress -> waiting on coach -> resolved -> closed.
STATUSES = ("new", "triaged", "in_progress", "waiting_on_coach", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
CATEGORIES = ("account", "billing", "bug", "client_data", "marketplace", "messaging", "other")
QUESTION_STATUSES = ("open", "answered", "escalated")


def _in(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint(_in("priority", PRIORITIES), name="priority"),
        CheckConstraint(f"category IS NULL OR {_in('category', CATEGORIES)}", name="category"),
        CheckConstraint("times_seen >= 1", name="times_seen"),
        Index("ix_tickets_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    who: Mapped[str] = mapped_column(String(300))
    what: Mapped[str] = mapped_column(db.Text)
    links: Mapped[str | None] = mapped_column(db.Text)  # desk links to messages or threads, one a line
    where: Mapped[str] = mapped_column(String(300))
    when = mapped_column(UTCDateTime, nullable=False)  # first seen
    times_seen: Mapped[int] = mapped_column(default=1, server_default="1")
    still_happening: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="new")
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    category: Mapped[str | None] = mapped_column(String(20))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    first_response_at = mapped_column(UTCDateTime, nullable=True)
    resolved_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    reporter = relationship("User", foreign_keys=[reporter_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    client = relationship("User", foreign_keys=[client_id])
    merged_into = relationship("Ticket", remote_side=[id], foreign_keys=[merged_into_id])
    notes = relationship("TicketNote", back_populates="ticket", order_by="TicketNote.created_at")
    attachments = relationship("TicketAttachment", back_populates="ticket", order_by="TicketAttachment.id")
    events = relationship("TicketEvent", back_populates="ticket", order_by="(TicketEvent.at, TicketEvent.id)")
    people = relationship("User", secondary="ticket_people", order_by="User.name", viewonly=True)


class TicketPerson(db.Model):
    """A user named in Who (picked by name or by a pasted profile link)."""

    __tablename__ = "ticket_people"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class TicketNote(db.Model):
    """A comment: a reply the reporting coach sees, or an internal note (staff only)."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(db.Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at = mapped_column(UTCDateTime, default=utcnow)

    ticket = relationship("Ticket", back_populates="notes")
    author = relationship("User")


class TicketEvent(db.Model):
    """One status change: who, when, from, to (actor empty when the desk itself closed it)."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at = mapped_column(UTCDateTime, nullable=False)

    ticket = relationship("Ticket", back_populates="events")
    actor = relationship("User")


class TicketAttachment(db.Model):
    """A screenshot, on a ticket or (before escalation) on a question."""

    __tablename__ = "ticket_attachments"
    __table_args__ = (CheckConstraint("ticket_id IS NOT NULL OR question_id IS NOT NULL", name="owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_questions.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)

    ticket = relationship("Ticket", back_populates="attachments")


class Question(db.Model):
    """'Ask my team leader first': a coach's question, answered in place or escalated into a ticket."""

    __tablename__ = "ticket_questions"
    __table_args__ = (CheckConstraint(_in("status", QUESTION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(db.Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    answer: Mapped[str | None] = mapped_column(db.Text)
    answered_at = mapped_column(UTCDateTime, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    asker = relationship("User", foreign_keys=[asker_id])
    leader = relationship("User", foreign_keys=[leader_id])
    ticket = relationship("Ticket", foreign_keys=[ticket_id])
    attachments = relationship("TicketAttachment", foreign_keys=[TicketAttachment.question_id],
                               order_by="TicketAttachment.id")

