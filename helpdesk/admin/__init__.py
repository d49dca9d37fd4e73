"""Administration: users and their passwords."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from helpdesk.admin import routes  # noqa: E402,F401
