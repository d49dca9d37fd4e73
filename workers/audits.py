"""Audit jobs: the daily sample of coach replies for the auditors' queue."""

from datetime import date, timedelta

from helpdesk.extensions import db
from helpdesk.types import utcnow


def build_daily_sample(day_iso: str | None = None) -> dict:
    """Sample the coach replies sent on `day_iso` (default: yesterday, the last whole UTC day) into the
    auditors' queue; running it again for the same day adds nothing already there."""
    from helpdesk.audits.queue import build_sample

    day = date.fromisoformat(day_iso) if day_iso else utcnow().date() - timedelta(days=1)
    result = build_sample(day)
    db.session.commit()
    return result
