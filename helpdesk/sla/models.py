"""Every wait of a client thread (metrics.md section 3) and the watermark of the incremental job."""

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow


class ResponseWait(db.Model):
    """One wait: opened by a client message, closed by the first later staff message (null while open).

    `start_us` / `reply_us` repeat the two instants as integer microseconds since the epoch, so
    durations, means and comparisons with T are exact integer arithmetic on SQLite and PostgreSQL.

    Derived rows: `helpdesk.sla.services._store_waits` writes them from a join of the thread's messages to
    their authors, so the client, the messages and the replier they name exist, and the app deletes none of
    them. Those four columns are therefore plain ids, not foreign keys: the keys only re-checked what that
    join had just read, a trigger call per key per row (migration b7e5d0c0de21, issue #15). `thread_id`
    keeps its key.
    """

    __tablename__ = "response_waits"
    __table_args__ = (
        Index("ix_response_waits_start_us", "start_us"),
        # With what the samples need beside (helpdesk/sla/samples.py): a team's samples are read from these
        # alone (index-only), its coaches' replies from the first, their clients' open waits from the second.
        Index("ix_response_waits_replied_by_start", "replied_by_id", "start_us", postgresql_include=["reply_us"]),
        Index("ix_response_waits_client_start", "client_id", "start_us",
              postgresql_include=["reply_us", "wait_start"]),
        Index("ix_response_waits_thread_start", "thread_id", "start_us"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id"))
    client_id: Mapped[int]
    opened_by_message_id: Mapped[int] = mapped_column(unique=True)
    wait_start = mapped_column(UTCDateTime, nullable=False)
    start_us: Mapped[int] = mapped_column(BigInteger)
    reply_message_id: Mapped[int | None]
    replied_at = mapped_column(UTCDateTime, nullable=True)
    reply_us: Mapped[int | None] = mapped_column(BigInteger)
    replied_by_id: Mapped[int | None]


class SlaCursor(db.Model):
    """Watermark of the incremental job: message ids up to `last_message_id` have been replayed.

    The job rereads ids above `previous_message_id` (the watermark of the run before), so a message
    whose transaction committed late, with an id below one already seen, is still picked up.
    Replaying a message twice gives the same rows, so the overlap costs only time.
    """

    __tablename__ = "sla_cursor"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    previous_message_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SlaStoredRange(db.Model):
    """Message ids `first_message_id..last_message_id` (inclusive) whose waits are already stored: an import
    wrote those messages and stored their threads' waits in its own transaction (sla.services
    `store_imported_waits`). The incremental job does not replay them; ids outside every range, such as a
    message posted in the app while the import ran, are replayed as before. A range is deleted once the
    job's rereading window has passed it."""

    __tablename__ = "sla_stored_ranges"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_message_id: Mapped[int] = mapped_column(BigInteger)
    last_message_id: Mapped[int] = mapped_column(BigInteger, index=True)
