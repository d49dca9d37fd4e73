"""In-app notifications behind the bell."""

from flask import Blueprint

from helpdesk.auth.services import load_with_user

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from helpdesk.notifications import routes, services  # noqa: E402,F401

# The bell's count comes with the signed-in user, in the query that loads them.
load_with_user("unread_notifications", services.unread_count_column)
