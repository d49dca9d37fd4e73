"""Response-time SLAs, monthly rankings, bonuses and earnings."""

from flask import Blueprint

bp = Blueprint("rankings", __name__)

from helpdesk.rankings import moderation_outlook, routes  # noqa: E402,F401  (pages on bp; the tier outlook)
