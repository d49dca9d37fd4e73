"""Importing a program's history (import-format.md): all or nothing, idempotent, in bulk.

`import_lines` checks the whole input first (checker.py) and writes only if nothing is wrong
(writer.py); it flushes and leaves the commit to the caller. Memory stays bounded: the records to
store wait in a temporary file between the two passes, and only what later lines may refer to
(external ids and a few facts about them) is kept in memory.
"""

import gzip
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy import case, func, select, update

from helpdesk.extensions import db
from helpdesk.imports.checker import Checker
from helpdesk.imports.records import TYPES
from helpdesk.imports.writer import BulkWriter, RowBuilder
from helpdesk.inbox.thread_state import refresh_thread_state
from helpdesk.moderation.models import Listing, ModerationDecision

CHUNK_LINES = 4000


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
    """Check every line (the records to store go to a spool file, pickled a chunk at a time), then, if
    nothing is wrong, write them from the spool: the input is read once."""
    session = db.session
    session.flush()
    result = ImportResult(source=source)
    with tempfile.TemporaryFile() as spool:
        checker = Checker(session, spool=lambda records: pickle.dump(records, spool, pickle.HIGHEST_PROTOCOL))
        lineno = 0
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
        result.lines = lineno
        result.errors = [f"{source}:{n}: {message}" for n, message in sorted(checker.errors, key=lambda e: e[0])]
        if result.errors:
            return result
        result.stored = {kind: checker.stored_counts[kind] for kind in TYPES if checker.stored_counts[kind]}
        result.skipped = {kind: checker.skipped_counts[kind] for kind in TYPES if checker.skipped_counts[kind]}
        if result.stored:
            spool.seek(0)
            _write(session, checker, _unspool(spool))
    return result


def _unspool(spool) -> Iterator[tuple[str, tuple]]:
    while True:
        try:
            records = pickle.load(spool)
        except EOFError:
            return
        yield from records


def _write(session, checker: Checker, records: Iterable[tuple[str, tuple]]) -> None:
    needed = {kind: checker.stored_counts[kind] for kind in ("user", "listing", "thread", "message")}
    writer = BulkWriter(session.connection(), needed)
    builder = RowBuilder(writer, checker.stored.cache, checker.audited_new)
    try:
        for kind, values in records:
            builder.add(kind, values)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    update_listing_state(builder.listings_touched)
    refresh_thread_state(sorted(builder.threads_touched))
    session.expire_all()


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
