"""Response-time SLAs, monthly rankings, bonuses and earnings."""

from flask import Blueprint

bp = Blueprint("rankings", __name__)

from helpdesk.rankings import routes  # noqa: E402,F401  (registers the pages on bp)
