"""Client threads, their messages, read marks and coaches' saved replies."""

from sqlalchemy import DDL, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow


class Thread(db.Model):
    """A conversation between one client and the desk."""

    __tablename__ = "threads"
    __table_args__ = (
        Index("ix_threads_client_last", "client_id", "last_message_at"),
        Index("ix_threads_waiting_since", "waiting_since"),
        # The inbox's Waiting and Breached views start from one coach's clients; its counts read only this index
        # on PostgreSQL (the included columns; migration a8e5d0c0de20).
        Index("ix_threads_client_waiting", "client_id", "waiting_since", postgresql_include=["id", "last_message_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(300), default="")
    created_at = mapped_column(UTCDateTime, default=utcnow)
    last_message_at = mapped_column(UTCDateTime, nullable=True)
    # Start of the wait open now (metrics.md section 3): the client wrote and no staff has answered yet.
    waiting_since = mapped_column(UTCDateTime, nullable=True)

    client = relationship("User")
    messages = relationship("Message", back_populates="thread", order_by="(Message.sent_at, Message.id)")


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_thread_sent", "thread_id", "sent_at", "id"),
        Index("ix_messages_author_sent", "author_id", "sent_at"),
        Index("ix_messages_sent", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    body: Mapped[str] = mapped_column(db.Text)

    thread = relationship("Thread", back_populates="messages")
    author = relationship("User")


# Full-text search on PostgreSQL: the body's tsvector, computed and stored by the database on every insert
# and update, so a search matches it without parsing the text again, and its GIN index. The column is not
# mapped (SQLite has neither; it searches with LIKE): inbox/search.py names it, and migrations compare
# around it (DATABASE_ONLY). The migration 3f1c2b7a9d10 adds the same to an existing database.
MESSAGE_SEARCH_DDL = (
    "ALTER TABLE messages ADD COLUMN body_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, body)) STORED",
    "CREATE INDEX ix_messages_body_tsv ON messages USING gin (body_tsv)",
)
# The subject's tsvector too (migration a9e5d0c0de19): a search matched each of the caller's threads by
# parsing its subject again, about 1 ms per statement for a coach's hundred-odd threads (issue #15). No
# index: a search starts from the caller's threads, never from every thread.
THREAD_SEARCH_DDL = (
    "ALTER TABLE threads ADD COLUMN subject_tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, subject)) STORED",
)
DATABASE_ONLY = frozenset({"body_tsv", "ix_messages_body_tsv", "subject_tsv"})
for _table, _statements in ((Message.__table__, MESSAGE_SEARCH_DDL), (Thread.__table__, THREAD_SEARCH_DDL)):
    for _statement in _statements:
        event.listen(_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


class ThreadRead(db.Model):
    """When a user last read a thread; the client sees when their coach read it."""

    __tablename__ = "thread_reads"
    __table_args__ = (UniqueConstraint("thread_id", "user_id", name="uq_thread_reads_thread_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    read_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SavedReply(db.Model):
    """A reusable answer or Learning Center link kept by a coach or team leader."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(db.Text)
    # "reply" or "link" (a Learning Center article)
    kind: Mapped[str] = mapped_column(String(10), default="reply")
    # Shared with the owner's team (a team leader's library is shared with their coaches).
    shared: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner = relationship("User")
