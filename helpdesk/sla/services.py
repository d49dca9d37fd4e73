"""Keeping `ResponseWait` rows true to metrics.md section 3: incrementally, or by a full recompute.

The rows are the wait rule's own SQL form (`helpdesk.inbox.waits.waits_sql`), stored: the incremental job
rewrites the waits of every thread that received a message since its last run, the full recompute those of
all threads, so the two agree row for row (ids aside; warnings key on the opening message, not the row).
"""

from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, Select, cast, delete, func, insert, select, update

from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.thread_state import expire_loaded
from helpdesk.inbox.waits import waits_sql
from helpdesk.sla.models import ResponseWait, SlaCursor, SlaStoredRange
from helpdesk.upsert import locked_row

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BATCH = 1000


def to_us(instant: datetime) -> int:
    """Microseconds since the epoch of an aware instant, exactly."""
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _store_waits(thread_ids: list[int] | Select | None = None) -> int:
    """Replace the stored waits of these threads (all if None; a list, or a SELECT of thread ids) by the
    waits their messages give (`helpdesk.inbox.waits.waits_sql`); return how many messages they hold."""
    if thread_ids is None:
        db.session.execute(delete(ResponseWait))
        replayed = db.session.scalar(select(func.count(Message.id)))
    else:
        db.session.execute(delete(ResponseWait).where(ResponseWait.thread_id.in_(thread_ids))
                           .execution_options(synchronize_session=False))
        replayed = db.session.scalar(select(func.count(Message.id)).where(Message.thread_id.in_(thread_ids)))
    w = waits_sql(thread_ids)
    if db.session.get_bind().dialect.name == "postgresql":
        # One INSERT ... SELECT: the rows never pass through Python (an import stores millions).
        columns = [c.name for c in w.c]
        db.session.execute(insert(ResponseWait).from_select(
            [*columns, "start_us", "reply_us"],
            select(*w.c, _us_sql(w.c.wait_start), _us_sql(w.c.replied_at))))
        return replayed
    pending: list[dict] = []
    for row in db.session.execute(select(w).execution_options(yield_per=_BATCH)).mappings():
        pending.append({**row, "start_us": to_us(row["wait_start"]),
                        "reply_us": None if row["replied_at"] is None else to_us(row["replied_at"])})
        if len(pending) >= _BATCH:
            db.session.execute(insert(ResponseWait), pending)
            pending.clear()
    if pending:
        db.session.execute(insert(ResponseWait), pending)
    return replayed


def _us_sql(column):
    """`to_us` in PostgreSQL: the column is naive UTC, and EXTRACT gives an exact numeric (PostgreSQL 14+)."""
    return cast(func.extract("epoch", column) * 1_000_000, BigInteger)


def _store_waits_in_batches(thread_ids: list[int]) -> int:
    return sum(_store_waits(thread_ids[i:i + _BATCH]) for i in range(0, len(thread_ids), _BATCH))


def _cursor() -> SlaCursor:
    """The job's watermark, locked until the transaction ends; created at the first run (two first runs at
    once: the second waits for the first's commit and reads its row, `helpdesk.upsert.locked_row`)."""
    return locked_row(SlaCursor, id=1, last_message_id=0, previous_message_id=0)


def _unstored_spans(low: int, top: int) -> list[tuple[int, int]]:
    """The parts of the ids (low, top] outside every `SlaStoredRange`, as inclusive (first, last) spans."""
    ranges = db.session.execute(
        select(SlaStoredRange.first_message_id, SlaStoredRange.last_message_id)
        .where(SlaStoredRange.last_message_id > low, SlaStoredRange.first_message_id <= top)
        .order_by(SlaStoredRange.first_message_id)).all()
    spans, start = [], low + 1
    for first, last in ranges:
        if first > start:
            spans.append((start, first - 1))
        start = max(start, last + 1)
    if start <= top:
        spans.append((start, top))
    return spans


def update_waits() -> dict:
    """Bring the waits up to date with the messages stored since the last run; return what it did.

    Ids an import already stored the waits of (`SlaStoredRange`) are not replayed."""
    cursor = _cursor()
    low = cursor.previous_message_id
    top = db.session.scalar(select(func.max(Message.id))) or 0
    touched: set[int] = set()
    for first, last in _unstored_spans(low, top):
        touched.update(db.session.scalars(
            select(Message.thread_id).where(Message.id >= first, Message.id <= last).distinct()))
    replayed = _store_waits_in_batches(sorted(touched))
    cursor.previous_message_id, cursor.last_message_id = cursor.last_message_id, max(top, cursor.last_message_id)
    db.session.execute(delete(SlaStoredRange).where(SlaStoredRange.last_message_id <= cursor.previous_message_id))
    db.session.flush()
    return {"threads": len(touched), "messages": replayed}


def store_imported_waits(thread_ids: list[int] | Select, message_spans: list[tuple[int, int]]) -> int:
    """Store the waits of the threads an import wrote messages in, in the import's transaction, and record
    the ids of its messages (inclusive spans) so the incremental job does not replay them.

    Safe beside the app: the waits read every message committed by now, and a message the app posts
    meanwhile has an id outside the import's spans (they come from the sequence), so the job replays it and
    its thread as usual. It holds the job's cursor until the import commits, so a run of the job never
    rewrites these threads at the same time. Returns how many messages the threads hold."""
    _cursor()
    replayed = _store_waits(thread_ids) if isinstance(thread_ids, Select) else _store_waits_in_batches(thread_ids)
    if message_spans:
        db.session.execute(insert(SlaStoredRange), [{"first_message_id": first, "last_message_id": last}
                                                    for first, last in message_spans])
    db.session.flush()
    return replayed


def recompute_waits(since: date | None = None) -> dict:
    """Rebuild the waits from the messages: of every thread, or of the threads with a message from `since` on."""
    top = db.session.scalar(select(func.max(Message.id))) or 0
    if since is None:
        replayed, threads = _store_waits(None), None
    else:
        since_at = datetime(since.year, since.month, since.day, tzinfo=UTC)
        thread_ids = list(db.session.scalars(
            select(Message.thread_id).where(Message.sent_at >= since_at).distinct().order_by(Message.thread_id)))
        replayed, threads = _store_waits_in_batches(thread_ids), len(thread_ids)
    cursor = _cursor()
    cursor.previous_message_id = cursor.last_message_id = top
    db.session.execute(delete(SlaStoredRange).where(SlaStoredRange.last_message_id <= top))
    db.session.flush()
    return {"threads": threads, "messages": replayed}


def refresh_from_stored_waits(thread_ids: Select) -> None:
    """`inbox.thread_state.refresh_thread_state` for threads with messages whose stored waits are current (an
    import stores them first, `store_imported_waits`): `waiting_since` is the start of the thread's stored
    open wait (a thread has at most one, its last), so the wait rule is not evaluated twice. One UPDATE, each
    thread written once; its open wait is found through `ix_response_waits_thread_start`."""
    db.session.flush()
    last = (select(Message.thread_id, func.max(Message.sent_at).label("last_at"))
            .where(Message.thread_id.in_(thread_ids)).group_by(Message.thread_id).subquery("last"))
    open_start = (select(ResponseWait.wait_start)
                  .where(ResponseWait.thread_id == Thread.id, ResponseWait.reply_message_id.is_(None))
                  .scalar_subquery())
    db.session.execute(
        update(Thread).where(Thread.id == last.c.thread_id)
        .values(last_message_at=last.c.last_at, waiting_since=open_start)
        .execution_options(synchronize_session=False))
    expire_loaded(None)
