"""Support tickets: Who, What, Where, When; triaged by team leaders."""

from flask import Blueprint

bp = Blueprint("tickets", __name__)

from helpdesk.tickets import routes, routes_questions, routes_queues  # noqa: E402,F401
