"""The marketplace moderation queue."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from helpdesk.moderation import member_routes, review_routes, routes  # noqa: E402,F401  (registers the pages on bp)
