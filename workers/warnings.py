"""The SLA warnings job (every 5 minutes): the rules live with their data (client waits in
`helpdesk.sla.warnings`, the moderation queue in `helpdesk.moderation.warnings`, Yellow audits in
`helpdesk.audits.warnings`, tickets in `helpdesk.tickets.clocks`); this job brings the waits up to date, calls
them, forgets the claims past the lookback, and commits. Each scan reads only what fell due since its last run
(`helpdesk.notifications.scans`)."""

from datetime import datetime

from helpdesk.audits.warnings import yellow_audits
from helpdesk.extensions import db
from helpdesk.jobs import report_progress
from helpdesk.moderation.warnings import pending_listings
from helpdesk.notifications.scans import prune_claims
from helpdesk.sla.services import update_waits
from helpdesk.sla.warnings import LOOKBACK, client_waits
from helpdesk.tickets.clocks import warn_first_response
from helpdesk.types import utcnow


def send_sla_warnings(now_iso: str | None = None) -> dict:
    """Bring the waits up to date, send every warning now due (each once), commit; return counts."""
    now = datetime.fromisoformat(now_iso) if now_iso else utcnow()
    update_waits()
    result = {**client_waits(now), **pending_listings(now, LOOKBACK), **yellow_audits(now, LOOKBACK),
              "ticket_first_response": warn_first_response(now)}
    prune_claims(now - 2 * LOOKBACK)
    db.session.commit()
    report_progress(100, f"{sum(result.values())} warning(s) sent")
    return result
