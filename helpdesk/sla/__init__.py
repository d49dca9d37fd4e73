"""Response times: every wait of a client thread, kept up to date incrementally; the SLA page."""

from flask import Blueprint

bp = Blueprint("sla", __name__)

from helpdesk.sla import routes  # noqa: E402,F401  (registers the pages on bp)
