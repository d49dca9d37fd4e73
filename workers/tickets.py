"""Ticket jobs: resolved tickets close by themselves after 7 days."""

from datetime import datetime

from helpdesk.extensions import db
from helpdesk.jobs import report_progress
from helpdesk.types import utcnow


def close_stale_resolved(now_iso: str | None = None) -> dict:
    """Close every ticket resolved over 7 days ago (idempotent: a second run closes nothing), commit."""
    from helpdesk.tickets.flow import close_stale_resolved as close

    closed = close(datetime.fromisoformat(now_iso) if now_iso else utcnow())
    db.session.commit()
    report_progress(100, f"{closed} ticket(s) closed")
    return {"closed": closed}
