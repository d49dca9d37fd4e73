"""Sign-in, sessions, API tokens and role checks."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from helpdesk.auth import routes  # noqa: E402,F401
