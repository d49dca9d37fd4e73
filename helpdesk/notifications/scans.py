"""What the warnings job's scans share (issue #15): the window a run reads, claims, and notifications in bulk.

A warning falls due by elapsed time (20 h after a wait opened, 24 h after a listing was submitted...), not by
new rows. So each scan keeps a watermark (`WarningScan`): a run reads the items whose due instant fell since
the last run, `[since, now)`, through an index on the instant the due one is counted from, plus the rows
stored since the run before whatever their due instant (a late row is still warned about). After downtime
the window is simply wider; nothing due more than the scan's lookback ago is warned about, so loading years
of history does not flood the bell, and a first run reads the whole lookback.

Each warning is sent once: notifications that name one item carry a dedupe key (unique per user and kind)
and are inserted with ON CONFLICT DO NOTHING; grouped ones ("37 listings...") are sent only for the items a
run claims (`claim`, unique per kind and item). Two runs of a scan at once also take turns on the
watermark's row, so the second one finds the window already read.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, select, text, union

from helpdesk.extensions import db
from helpdesk.notifications.models import WarningClaim, WarningScan
from helpdesk.upsert import dialect_insert as _insert
from helpdesk.upsert import locked_row


@dataclass(frozen=True)
class DueWindow:
    """The items a run of a scan reads: due in [since, now), or stored above `after_id` and due since `floor`."""

    since: datetime
    now: datetime
    floor: datetime
    after_id: int

    def newly_due(self, start, after: timedelta, row_id, stored=lambda instant: instant) -> list:
        """SQL conditions, one per branch (run each as its own indexed query): an item counted from `start`
        whose warning, `after` later, fell due in this window. Due means strictly past: start < now - after.
        `stored` turns an instant into the form `start` holds (e.g. microseconds, ResponseWait.start_us)."""
        due = start < stored(self.now - after)
        return [and_(due, start >= stored(self.since - after)),
                and_(due, row_id > self.after_id, start >= stored(self.floor - after))]


def read_due(branches: list, *order: str) -> list:
    """Run the branch queries of `DueWindow.newly_due` as one UNION (an item in both is read once), ordered
    by the named result columns."""
    both = union(*branches).subquery()
    return db.session.execute(select(both).order_by(*(both.c[name] for name in order))).all()


def open_window(scan: str, now: datetime, lookback: timedelta, row_id) -> DueWindow:
    """Lock the watermark of `scan` (a second run at once waits for the first to commit), return the window
    this run reads, and move the watermark on to `now` and the highest `row_id` (committed with the run's
    notifications, so a run that fails leaves it where it was). A `now` before the watermark (a clock set
    back) reads the whole lookback again: the dedupe keys and claims keep that from sending anything twice."""
    floor = now - lookback
    top = db.session.scalar(select(func.max(row_id))) or 0
    # A first run reads the whole lookback by due instant, which covers every row stored so far.
    mark = locked_row(WarningScan, name=scan, scanned_through=floor, last_id=top, previous_id=top)
    since = mark.scanned_through if floor <= mark.scanned_through <= now else floor
    window = DueWindow(since=since, now=now, floor=floor, after_id=mark.previous_id)
    mark.scanned_through = max(mark.scanned_through, now)
    mark.previous_id, mark.last_id = mark.last_id, max(top, mark.last_id)
    db.session.flush()
    return window


def claim(kind: str, due: dict[int, datetime]) -> set[int]:
    """Claim warning `kind` of these items (item id -> due instant); return the ids claimed by this call, not
    before it or by a run at the same time (PostgreSQL makes the second insert wait for the first's commit)."""
    if not due:
        return set()
    if db.session.get_bind().dialect.name == "postgresql":  # one statement over arrays (see notify_many)
        return set(db.session.scalars(_CLAIM_UNNEST, {"kind": kind, "subject_id": list(due), "due_at": [
            at.astimezone(UTC).replace(tzinfo=None) for at in due.values()]}))
    stmt = _insert(WarningClaim).on_conflict_do_nothing().returning(WarningClaim.subject_id)
    rows = [{"kind": kind, "subject_id": item, "due_at": at} for item, at in due.items()]
    return set(db.session.scalars(stmt, rows))


_CLAIM_UNNEST = text(
    "INSERT INTO warning_claims (kind, subject_id, due_at) SELECT :kind, s, d "
    "FROM unnest(CAST(:subject_id AS bigint[]), CAST(:due_at AS timestamp[])) AS x(s, d) "
    "ON CONFLICT DO NOTHING RETURNING subject_id")


def prune_claims(before: datetime) -> int:
    """Forget the claims of warnings due before `before` (past every scan's lookback: never read again)."""
    return db.session.execute(WarningClaim.__table__.delete().where(WarningClaim.due_at < before)).rowcount




def hours(delta: timedelta) -> str:
    """A threshold as people write it: 20, 24, 1.5."""
    return f"{delta.total_seconds() / 3600:g}"


def names(items: list[str], shown: int = 3) -> str:
    """"A, B and C", or "A, B, C and 4 more" past `shown`."""
    if len(items) <= shown:
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return ", ".join(items[:shown]) + f" and {len(items) - shown} more"
