"""Email jobs: right-away emails every minute, the daily digest each morning."""

from datetime import date, timedelta

from helpdesk.extensions import db
from helpdesk.jobs import report_progress


def send_instant() -> dict:
    """Queue emails for the notifications stored since the last run, then send what is queued."""
    from helpdesk.mail.services import deliver_queued, queue_instant
    from helpdesk.mail.transport import configured_transport

    queued = queue_instant()
    db.session.commit()
    result = {"queued": queued, **deliver_queued(configured_transport())}
    report_progress(100, f"{result['sent']} sent, {result['failed']} failed")
    return result


def send_daily_digest(day_iso: str | None = None) -> dict:
    """Queue and send yesterday's digests (or those of the day given, YYYY-MM-DD)."""
    from helpdesk.mail.services import deliver_queued, queue_digests
    from helpdesk.mail.transport import configured_transport
    from helpdesk.types import utcnow

    day = date.fromisoformat(day_iso) if day_iso else utcnow().date() - timedelta(days=1)
    queued = queue_digests(day)
    db.session.commit()
    result = {"queued": queued, **deliver_queued(configured_transport())}
    report_progress(100, f"{result['sent']} digest(s) sent")
    return result
