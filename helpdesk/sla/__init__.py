"""Response times: every wait of a client thread, kept up to date incrementally; the SLA page."""

from flask import Blueprint

bp = Blueprint("sla", __name__)
