"""In-app notifications behind the bell."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from helpdesk.notifications import routes  # noqa: E402,F401
