"""Monthly ranking jobs."""

from datetime import datetime

from helpdesk.extensions import db
from helpdesk.jobs import report_progress
from helpdesk.periods import current_month, previous_month
from helpdesk.types import utcnow


def compute_ranking(month: str, as_of_iso: str | None = None) -> dict:
    """Compute and store month "YYYY-MM" as of T (ISO 8601; default now); replaces the stored ranking."""
    from helpdesk.periods import as_utc
    from helpdesk.rankings.snapshot import compute_snapshot

    as_of = as_utc(datetime.fromisoformat(as_of_iso)) if as_of_iso else utcnow()
    snapshot = compute_snapshot(month, as_of, progress=report_progress)
    coaches = len(snapshot.rows)
    db.session.commit()
    report_progress(100, "done")
    return {"month": month, "as_of": as_of.isoformat(), "coaches": coaches, "snapshot_id": snapshot.id}


def compute_current_month() -> dict:
    """The provisional ranking of the current month, as of now (hourly)."""
    now = utcnow()
    return compute_ranking(current_month(now), now.isoformat())


def compute_previous_month() -> dict:
    """The final ranking of the previous month, as of now (on the 2nd, when late records are in)."""
    now = utcnow()
    return compute_ranking(previous_month(now), now.isoformat())
