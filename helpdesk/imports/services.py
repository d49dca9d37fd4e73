"""Importing a program's history (import-format.md): all or nothing, idempotent, in bulk.

`import_lines` checks the input a chunk at a time (checker.py) and writes each clean chunk in bulk
(writer.py) inside a savepoint, so PostgreSQL stores one chunk while Python checks the next. Any error
rolls the savepoint back: nothing is stored. It flushes and leaves the commit to the caller. Memory
stays bounded: what later lines may refer to (external ids, days, fingerprints) spills to a temporary
table (spill.py), and the threads written are found in SQL from the spans of message keys used. On
PostgreSQL a second connection (`_side_connection`) carries the spill, the key reservations and, when the
caller has written nothing yet, the lookups of stored rows, so the checking thread never waits for the COPY
thread, which owns the import's connection.

After writing, the touched threads' SLA waits are computed set-based in the same transaction, and the
message ids written are recorded so the waits job does not replay them (sla.services
`store_imported_waits`): after an import the waits are current. The threads' state is then set from them
(sla.services `refresh_from_stored_waits`; on SQLite from the messages, `refresh_thread_state`).

Two imports at once: on PostgreSQL each import first takes one transaction-level advisory lock, so a
second import waits until the first commits or rolls back, then checks against what it stored (READ
COMMITTED: every statement sees the latest commits). Records without an id (surveys, profits, ...) are
known only by all their fields, so without the lock both imports found them new and stored them twice.
"""

import gzip
import sys
from collections.abc import Callable, Iterable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field

from sqlalchemy import Select, case, column, func, or_, select, table, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from helpdesk.extensions import db
from helpdesk.imports.checker import Checker
from helpdesk.imports.records import TYPES
from helpdesk.imports.spill import Spill
from helpdesk.imports.writer import TABLES, BulkWriter, RowBuilder
from helpdesk.inbox.models import Message
from helpdesk.inbox.thread_state import refresh_thread_state
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.sla.services import refresh_from_stored_waits, store_imported_waits

CHUNK_LINES = 4000
# A table the import wrote at least this many rows into is analyzed before the closing statements. Until
# then PostgreSQL plans for the size it last measured (none at all if autovacuum has not run, or is off), so
# the closing UPDATE and INSERT ... SELECT, and the next import's lookups, got hash joins over whole tables
# where index probes were due (issue #15, bench/RESULTS.md).
ANALYZE_AFTER_ROWS = 10_000
IMPORT_LOCK = 0x1D5C_0001  # the advisory lock key every import takes (any constant both sides agree on)


@dataclass
class ImportResult:
    """What an import did: per type how many records were stored and skipped, or the errors."""

    source: str = "-"
    stored: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lines: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        """Human lines: one per type present, then the totals."""
        out = [f"{kind:<11} stored {self.stored.get(kind, 0):>9}   skipped {self.skipped.get(kind, 0):>9}"
               for kind in TYPES if self.stored.get(kind) or self.skipped.get(kind)]
        stored, skipped = sum(self.stored.values()), sum(self.skipped.values())
        if stored == 0 and skipped:
            out.append(f"nothing new: all {skipped} record(s) in {self.source} were already stored")
        else:
            out.append(f"stored {stored} record(s), skipped {skipped} already stored")
        return out


def import_lines(lines: Iterable[str | bytes], source: str = "-") -> ImportResult:
    """Import JSON lines (numbered from 1). Flushes; the caller commits, or rolls back if not `ok`."""
    return _import(source, lambda: nullcontext(lines))


def import_path(path: str) -> ImportResult:
    """Import a file: "-" reads standard input, a name ending in .gz is gunzipped."""
    if path == "-":
        return import_lines(getattr(sys.stdin, "buffer", sys.stdin), "-")
    opener = gzip.open if path.endswith(".gz") else open
    return _import(path, lambda: opener(path, "rb"))


def _import(source: str, open_lines: Callable) -> ImportResult:
    """Check the lines a chunk at a time and write each clean chunk at once, inside a savepoint, while
    the next is checked. At the first error writing stops (checking goes on, to report every error) and
    the savepoint is rolled back: nothing is stored. The input is read once."""
    session = db.session
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Held until the caller's commit or rollback: one import at a time sees and writes the stored rows.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})
    result = ImportResult(source=source)
    savepoint = session.begin_nested()
    writer = None
    lineno = 0
    with ExitStack() as cleanup:  # last: drop the spill table, then give the side connection back
        try:
            side = _side_connection(session)
            if side is not None:
                cleanup.callback(side.close)
            lookups = side if side is not None and _nothing_written(session) else None
            spill = Spill(session, side)
            cleanup.callback(spill.close)
            checker = Checker(session, spill, lookups=lookups)
            writer = BulkWriter(session.connection(), side)
            builder = RowBuilder(writer, checker.defined, checker.stored.cache)
            if lookups is None:
                checker.stored.guard = writer.lock
            checker.spool = builder.add_all
            try:
                with open_lines() as lines:
                    chunk = []
                    for lineno, raw in enumerate(lines, 1):
                        chunk.append((lineno, raw))
                        if len(chunk) >= CHUNK_LINES:
                            checker.check_chunk(chunk)
                            chunk = []
                    if chunk:
                        checker.check_chunk(chunk)
            except (OSError, EOFError) as exc:
                checker.errors.append((lineno + 1, f"cannot read the input: {exc}"))
            if checker.errors:
                writer.abort()
            else:
                writer.close()
                spill.close()
                _store_derived(checker, builder)
        except BaseException as exc:
            failure = writer.abort() if writer is not None else None
            savepoint.rollback()
            if failure is not None and failure is not exc:
                # The COPY failed first; what the importing thread hit next (an aborted transaction) is its echo.
                raise failure from exc
            raise
    result.lines = lineno
    if checker.errors:
        savepoint.rollback()
        result.errors = [f"{source}:{n}: {message}" for n, message in sorted(checker.errors, key=lambda e: e[0])]
        return result
    savepoint.commit()
    session.expire_all()
    result.stored = {kind: checker.stored_counts[kind] for kind in TYPES if checker.stored_counts[kind]}
    result.skipped = {kind: checker.skipped_counts[kind] for kind in TYPES if checker.skipped_counts[kind]}
    return result


def _store_derived(checker: Checker, builder: RowBuilder) -> None:
    """After the last COPY: statistics of the tables grown, the listings' state, the written threads' waits
    and then their state."""
    _analyze_grown(checker.stored_counts)
    update_listing_state(builder.listings_touched)
    threads = _threads_of(builder.message_spans)
    store_imported_waits(threads, [tuple(span) for span in builder.message_spans])
    if isinstance(threads, Select):
        refresh_from_stored_waits(threads)
    else:
        refresh_thread_state(threads)


def _side_connection(session):
    """On PostgreSQL, the import's second connection (autocommit): the spill table, the key reservations and
    (see `_nothing_written`) the lookups of stored rows run on it in the checking thread while the COPY
    thread writes on the import's own connection. None elsewhere (no COPY thread)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _nothing_written(session) -> bool:
    """Whether the caller's transaction has written nothing yet (PostgreSQL has given it no transaction id).
    Then a second connection, whose every statement sees the latest commits, sees what the import's own
    connection sees, apart from the import's own rows, which the checker never looks up."""
    return session.execute(text("SELECT pg_current_xact_id_if_assigned() IS NULL")).scalar()


def _analyze_grown(stored_counts) -> None:
    """ANALYZE (PostgreSQL) each table this import wrote ANALYZE_AFTER_ROWS rows or more into. In the import's
    transaction it samples the import's own rows too; it locks out only VACUUM, ANALYZE and DDL on the table,
    never the desk's reads and writes."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for kind, (model, _) in TABLES.items():
        if stored_counts[kind] >= ANALYZE_AFTER_ROWS:
            db.session.execute(text(f"ANALYZE {model.__table__.name}"))


def _threads_of(message_spans: list[list[int]]) -> Select | list[int]:
    """The threads the import wrote messages in: on PostgreSQL a SELECT over a temporary table of their ids
    (read in SQL, however many), elsewhere the list of ids."""
    session = db.session
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("DROP TABLE IF EXISTS import_threads"))
        session.execute(text("CREATE TEMPORARY TABLE import_threads (thread_id BIGINT PRIMARY KEY) ON COMMIT DROP"))
    found: set[int] = set()
    for start in range(0, len(message_spans), 200):
        spans = message_spans[start:start + 200]
        touched = select(Message.thread_id).where(or_(*(Message.id.between(a, b) for a, b in spans))).distinct()
        if postgres:
            # A thread met in two groups of spans is kept once.
            session.execute(pg_insert(_IMPORT_THREADS).from_select(["thread_id"], touched).on_conflict_do_nothing())
        else:
            found.update(session.scalars(touched))
    if not postgres:
        return sorted(found)
    session.execute(text("ANALYZE import_threads"))
    return select(_IMPORT_THREADS.c.thread_id)


_IMPORT_THREADS = table("import_threads", column("thread_id"))


def update_listing_state(listing_ids: Iterable[int]) -> None:
    """Set each listing's `status` from its latest decision and `first_decision_at` from its first."""
    ids = sorted(listing_ids)
    latest = (select(case((ModerationDecision.decision == "approve", "approved"), else_="rejected"))
              .where(ModerationDecision.listing_id == Listing.id)
              .order_by(ModerationDecision.at.desc(), ModerationDecision.id.desc()).limit(1).scalar_subquery())
    first = select(func.min(ModerationDecision.at)).where(ModerationDecision.listing_id == Listing.id)
    for start in range(0, len(ids), 2000):
        db.session.execute(
            update(Listing).where(Listing.id.in_(ids[start:start + 2000]))
            .values(status=latest, first_decision_at=first.scalar_subquery())
            .execution_options(synchronize_session=False))
