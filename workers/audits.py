"""Audit jobs: the daily sample of coach replies for the auditors' queue."""

from datetime import date

from helpdesk.extensions import db


def build_daily_sample(day_iso: str | None = None) -> dict:
    """Sample the coach replies sent on `day_iso` (default: yesterday, the last whole UTC day) into the
    auditors' queue; running it again for the same day adds nothing already there."""
    from helpdesk.audits.queue import build_sample, default_sample_day

    day = date.fromisoformat(day_iso) if day_iso else default_sample_day()
    result = build_sample(day)
    db.session.commit()
    return result
