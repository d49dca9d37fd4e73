"""Computing and storing a month's ranking: new rows first, then one atomic switch.

The whole computation runs in one transaction: the new snapshot and its rows are written as
`building`, then the month's previous complete snapshot is deleted and the new one marked
`complete`, and only then is anything committed. A run killed or failing at any point commits
nothing, so the previous complete snapshot stays what every page and export shows. Readers go through
rankings.reading.read_ranking, which reads the current snapshot and its rows in one statement, so the delete
of the old snapshot can never leave them between the two (an empty ranking). Two runs of one month at once
run one after the other.
"""

from datetime import datetime

from sqlalchemy import delete, insert, select

from helpdesk.extensions import db
from helpdesk.periods import as_utc, parse_month
from helpdesk.rankings.cuts import cuts_of
from helpdesk.rankings.metrics import ranked_rows
from helpdesk.rankings.models import RankingCut, RankingRow, RankingSnapshot
from helpdesk.types import utcnow
from helpdesk.upsert import one_writer_at_a_time

ROW_FIELDS = tuple(c.name for c in RankingRow.__table__.columns if c.name not in ("id", "snapshot_id"))


def compute_snapshot(month: str, as_of: datetime | None = None, progress=None) -> RankingSnapshot:
    """Compute month "YYYY-MM" as of T (default now) and make it the month's ranking. Flushes only."""
    from helpdesk.sla.services import update_waits

    progress = progress or (lambda percent, text: None)
    start, end = parse_month(month)
    # Two runs of one month at once (the hourly job and an admin's recompute) one after the other: each
    # switch deletes only the snapshots it can see, so overlapping runs would both stay complete.
    one_writer_at_a_time(RankingSnapshot, start.year * 100 + start.month)
    as_of = as_utc(as_of) if as_of is not None else utcnow()
    progress(5, "bringing response waits up to date")
    update_waits()
    progress(20, "computing the month's figures")
    rows = ranked_rows(month, as_of)
    progress(70, f"storing {len(rows)} coach rows")
    snapshot = RankingSnapshot(month=month, as_of=as_of, computed_at=utcnow(), status="building",
                               provisional=as_of < end)
    db.session.add(snapshot)
    db.session.flush()
    stored = [{field: row.get(field) for field in ROW_FIELDS} for row in rows]
    if stored:
        # render_nulls: every row binds the same columns, so the rows go in batches of one INSERT each. Without it
        # the ORM leaves out a row's None values and starts a new INSERT whenever that set changes (4,439
        # statements for 5,000 coaches).
        db.session.execute(insert(RankingRow).execution_options(render_nulls=True),
                           [{"snapshot_id": snapshot.id, **row} for row in stored])
    # Where each gate and tier ends, for My standing's "what it takes" (rankings/cuts.py).
    db.session.execute(insert(RankingCut), [{"snapshot_id": snapshot.id, **cut} for cut in cuts_of(stored)])
    progress(90, "switching to the new ranking")
    switch_to(snapshot)
    return snapshot


def switch_to(snapshot: RankingSnapshot) -> None:
    """Replace the month's other snapshots (complete, or left building by a dead run) with this one."""
    others = select(RankingSnapshot.id).where(RankingSnapshot.month == snapshot.month,
                                             RankingSnapshot.id != snapshot.id)
    db.session.execute(delete(RankingRow).where(RankingRow.snapshot_id.in_(others)))
    db.session.execute(delete(RankingCut).where(RankingCut.snapshot_id.in_(others)))
    db.session.execute(delete(RankingSnapshot).where(RankingSnapshot.id.in_(others)))
    snapshot.status = "complete"
    db.session.flush()


def current_snapshot(month: str) -> RankingSnapshot | None:
    """The month's complete ranking, or None if it was never computed (for writers and jobs: a page or export
    reads with read_ranking, never this and then the rows in a second query)."""
    return db.session.scalars(
        select(RankingSnapshot).where(RankingSnapshot.month == month, RankingSnapshot.status == "complete")
        .order_by(RankingSnapshot.id.desc()).limit(1)
    ).first()
