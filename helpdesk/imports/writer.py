"""Writing an import's checked records in bulk, while later lines are still being checked.

Primary keys are taken from the tables' sequences in blocks as rows are built, so rows can refer to
rows of the same batch and keys follow file order. Rows are buffered per table and written table by
table in dependency order: with PostgreSQL's COPY, elsewhere with one executemany `INSERT` per batch.
All of it happens inside the import's savepoint, which services.py rolls back on any error.
"""

import queue
import threading
from collections.abc import Iterator
from datetime import UTC

from sqlalchemy import func, insert, select, text

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse, Vacation
from helpdesk.inbox.models import Message, Thread
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.types import MONEY_SCALE, Money, UTCDateTime, utcnow

# Tables in the order a batch is written: a row only refers to rows of tables written before it
# (or earlier rows of its own table).
TABLES = {
    "user": (User, ("id", "external_id", "role", "name", "email", "password_hash", "active", "created_at",
                    "reports_to_id", "moderation_trained", "joined_on", "balance", "balance_visible_to_coach")),
    "listing": (Listing, ("id", "external_id", "seller_id", "title", "description", "submitted_at", "status")),
    "thread": (Thread, ("id", "external_id", "client_id", "subject", "created_at")),
    "message": (Message, ("id", "external_id", "thread_id", "author_id", "sent_at", "body")),
    "audit": (Audit, ("external_id", "message_id", "coach_id", "auditor_id", "color", "comment", "at")),
    "assignment": (Assignment, ("client_id", "coach_id", "starts_at", "ends_at")),
    "daily_goal": (DailyGoal, ("client_id", "date", "hit")),
    "survey": (SurveyResponse, ("client_id", "at", "score")),
    "profit": (ProfitRecord, ("client_id", "date", "amount", "kind", "created_at")),
    "moderation": (ModerationDecision, ("listing_id", "moderator_id", "decision", "at", "reason")),
    "vacation": (Vacation, ("coach_id", "starts_on", "ends_on", "created_at")),
}
BATCH_ROWS = 10_000
# Keys are reserved in blocks that grow while an import keeps needing more (at most one partly used
# block per table is left as a gap in its sequence).
FIRST_BLOCK, LARGEST_BLOCK = 256, 32_768


class BulkWriter:
    """Buffers rows per table and writes them in bulk on `flush()`.

    On PostgreSQL the COPYs run in a worker thread, so the database works on one batch while Python
    checks and builds the next. The worker holds `lock` while it uses the connection; anything else
    that queries on it meanwhile (the checker's lookups, when they cannot run on the side connection)
    takes it too. Keys come from the sequences over `keys_connection` (the import's side connection,
    services.py), which never waits for the COPYs."""

    def __init__(self, connection, keys_connection=None):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        if self.postgres and keys_connection is None:
            raise ValueError("on PostgreSQL the COPY thread owns the connection: pass a keys_connection")
        self.lock = threading.Lock()
        self.buffers = {kind: [] for kind in TABLES}
        self.buffered = 0
        self._converters = {kind: _copy_converters(model, columns) for kind, (model, columns) in TABLES.items()}
        self._keys = {}  # kind -> iterator over the reserved keys not yet used
        self._block = {}  # kind -> size of the next block to reserve
        self._sequences = {}  # kind -> oid of its table's id sequence (PostgreSQL)
        self._next_sqlite = {}  # kind -> next free key (SQLite: nothing else inserts during an import)
        self._keys_connection = keys_connection if keys_connection is not None else connection
        self._queue = None
        self._failure = None
        self._aborted = False
        if self.postgres:
            self._queue = queue.Queue(maxsize=2)
            self._worker = threading.Thread(target=self._copy_batches, name="import-copy", daemon=True)
            self._worker.start()

    def next_key(self, kind: str) -> int:
        key = next(self._keys.get(kind, _EXHAUSTED), None)
        if key is None:
            self._keys[kind] = self._reserve(kind)
            key = next(self._keys[kind])
        return key

    def _reserve(self, kind: str) -> Iterator[int]:
        """A block of new primary keys for `kind`, increasing, from the table's sequence."""
        model = TABLES[kind][0]
        n = self._block.get(kind, FIRST_BLOCK)
        self._block[kind] = min(n * 2, LARGEST_BLOCK)
        if self.postgres:
            # nextval is outside transactions anyway; on the side connection it need not wait while the
            # COPY thread holds the import's connection.
            sequence = self._sequences.get(kind)
            if sequence is None:
                # Looked up once: pg_get_serial_sequence is not constant, so inside the nextval it read the
                # catalogs for every key (142 ms for 32,768 keys, against 18 ms by the sequence's oid).
                sequence = self._sequences[kind] = self._keys_connection.execute(
                    text("SELECT CAST(CAST(pg_get_serial_sequence(:table, 'id') AS regclass) AS oid)"),
                    {"table": model.__table__.name}).scalar_one()
            keys = self._keys_connection.execute(
                text("SELECT nextval(CAST(CAST(:sequence AS oid) AS regclass)) FROM generate_series(1, :n)"),
                {"sequence": sequence, "n": n}).scalars().all()
            keys.sort()
            return iter(keys)
        first = self._next_sqlite.get(kind)
        if first is None:
            first = (self.connection.scalar(select(func.coalesce(func.max(model.id), 0))) or 0) + 1
        self._next_sqlite[kind] = first + n
        return iter(range(first, first + n))

    def add(self, kind: str, row: tuple) -> None:
        self.buffers[kind].append(row)
        self.buffered += 1
        if self.buffered >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        batch = [(kind, rows) for kind, rows in self.buffers.items() if rows]
        self.buffers = {kind: [] for kind in TABLES}
        self.buffered = 0
        if not batch:
            return
        if self._queue is None:
            for kind, rows in batch:
                model, columns = TABLES[kind]
                self.connection.execute(insert(model.__table__), [dict(zip(columns, r, strict=True)) for r in rows])
            return
        self._raise_failure()
        self._queue.put(batch)

    def close(self) -> None:
        """Write what is buffered and wait until every batch is in the database."""
        self.flush()
        if self._queue is not None:
            self._queue.put(None)
            self._worker.join()
            self._queue = None
            self._raise_failure()

    def abort(self) -> BaseException | None:
        """Stop the worker without writing what is still buffered or queued (the savepoint is being rolled
        back); return the error a COPY failed with, if one did."""
        self._aborted = True
        self.buffers = {kind: [] for kind in TABLES}
        if self._queue is not None:
            self._queue.put(None)
            self._worker.join()
            self._queue = None
        return self._failure

    def _raise_failure(self):
        if self._failure is not None:
            raise self._failure

    def _copy_batches(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._failure is not None or self._aborted:
                continue  # keep draining so the producer never blocks
            try:
                with self.lock:
                    for kind, rows in batch:
                        self._copy(kind, rows)
            except Exception as exc:  # handed to the importing thread by close() or the next flush()
                self._failure = exc

    def _copy(self, kind: str, rows: list[tuple]) -> None:
        model, columns = TABLES[kind]
        converters = self._converters[kind]
        raw = self.connection.connection.driver_connection
        statement = f"COPY {model.__table__.name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            if converters:
                for row in rows:
                    row = list(row)
                    for index, convert in converters:
                        if row[index] is not None:
                            row[index] = convert(row[index])
                    copy.write_row(row)
            else:
                for row in rows:
                    copy.write_row(row)


_EXHAUSTED = iter(())


def _copy_converters(model, columns):
    """COPY bypasses SQLAlchemy's column types: turn aware times into naive UTC and money into scaled ints."""
    converters = []
    for index, name in enumerate(columns):
        column_type = model.__table__.c[name].type
        if isinstance(column_type, UTCDateTime):
            converters.append((index, lambda value: value.astimezone(UTC).replace(tzinfo=None)))
        elif isinstance(column_type, Money):
            converters.append((index, lambda value: int(value * MONEY_SCALE)))
    return converters


class RowBuilder:
    """Turns checked records, (type, field values in records.FIELDS order), into rows with primary keys.

    `defined` is the checker's map of the file's ids (checker.Checker.defined): the builder writes each new
    record's primary key into its entry (and a message's author's), so later rows find them there, spilled
    or not. `stored_cache` is the checker's cache of stored rows (lookups.Stored.cache)."""

    def __init__(self, writer: BulkWriter, defined: dict, stored_cache: dict):
        self.writer = writer
        self.defined = defined
        self.stored = stored_cache
        # The keys of the messages written, as inclusive (first, last) spans: the threads they touch and
        # the ids the SLA waits job need not replay (sla.services.store_imported_waits).
        self.message_spans: list[list[int]] = []
        self.listings_touched = set()
        self.now = utcnow()

    def key(self, kind: str, ext: str | None) -> int | None:
        if ext is None:
            return None
        entry = self.defined[kind].get(ext)
        if entry is not None and entry[1]:
            return entry[4]
        cached = self.stored[kind][ext]
        return cached if kind == "listing" else cached[0]

    def add_all(self, records) -> None:
        """Build and buffer the rows of a checked chunk's records, in file order."""
        for kind, values in records:
            getattr(self, "_" + kind)(*values)

    def _user(self, ext, role, name, email, reports_to, joined_on, moderation_trained):
        pk = self.writer.next_key("user")
        self.defined["user"][ext][4] = pk
        self.writer.add("user", (pk, ext, role, name, email, None, True, self.now, self.key("user", reports_to),
                                 bool(moderation_trained), joined_on, None, False))

    def _listing(self, ext, seller, title, submitted_at, description):
        pk = self.writer.next_key("listing")
        self.defined["listing"][ext][4] = pk
        self.writer.add("listing", (pk, ext, self.key("user", seller), title, description, submitted_at, "pending"))

    def _thread(self, ext, client, subject):
        pk = self.writer.next_key("thread")
        self.defined["thread"][ext][4] = pk
        self.writer.add("thread", (pk, ext, self.key("user", client), subject or "", self.now))

    def _message(self, ext, thread, author, sent_at, body):
        pk = self.writer.next_key("message")
        thread_pk = self.key("thread", thread)
        author_pk = self.key("user", author)
        entry = self.defined["message"][ext]
        entry[4], entry[5] = pk, author_pk
        spans = self.message_spans
        if spans and spans[-1][1] + 1 == pk:
            spans[-1][1] = pk
        else:
            spans.append([pk, pk])
        self.writer.add("message", (pk, ext, thread_pk, author_pk, sent_at, body))

    def _audit(self, ext, message, auditor, color, at, comment):
        entry = self.defined["message"].get(message)
        if entry is not None and entry[1]:
            message_pk, coach_pk = entry[4], entry[5]
        else:
            message_pk, coach_pk = self.stored["message"][message][:2]
        self.writer.add("audit", (ext, message_pk, coach_pk, self.key("user", auditor), color, comment, at))

    def _assignment(self, client, coach, starts_at, ends_at):
        self.writer.add("assignment", (self.key("user", client), self.key("user", coach), starts_at, ends_at))

    def _daily_goal(self, client, day, hit):
        self.writer.add("daily_goal", (self.key("user", client), day, hit))

    def _survey(self, client, at, score):
        self.writer.add("survey", (self.key("user", client), at, score))

    def _profit(self, client, day, amount, kind):
        self.writer.add("profit", (self.key("user", client), day, amount, kind, self.now))

    def _moderation(self, listing, moderator, decision, at, reason):
        listing_pk = self.key("listing", listing)
        self.listings_touched.add(listing_pk)
        self.writer.add("moderation", (listing_pk, self.key("user", moderator), decision, at, reason))

    def _vacation(self, coach, starts_on, ends_on):
        self.writer.add("vacation", (self.key("user", coach), starts_on, ends_on, self.now))
