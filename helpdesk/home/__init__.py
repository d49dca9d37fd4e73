"""The landing page and the API docs page."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from helpdesk.home import routes  # noqa: E402,F401
