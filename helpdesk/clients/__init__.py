"""What the desk knows of clients: coach assignments, daily goals, surveys, ratings, profits, vacations."""

from flask import Blueprint

bp = Blueprint("clients", __name__)

from helpdesk.clients import routes  # noqa: E402,F401
