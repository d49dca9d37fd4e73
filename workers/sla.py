"""Response-time jobs."""

from helpdesk.extensions import db
from helpdesk.jobs import report_progress


def update_waits() -> dict:
    """Bring the response waits up to date with the messages stored since the last run."""
    from helpdesk.sla.services import update_waits as update

    result = update()
    db.session.commit()
    report_progress(100, f"{result['messages']} message(s) of {result['threads']} thread(s) replayed")
    return result


def recompute_waits(since_iso: str | None = None) -> dict:
    """Rebuild the response waits (all, or from a date YYYY-MM-DD on)."""
    from datetime import date

    from helpdesk.sla.services import recompute_waits as recompute

    result = recompute(date.fromisoformat(since_iso) if since_iso else None)
    db.session.commit()
    report_progress(100, "recomputed")
    return result
