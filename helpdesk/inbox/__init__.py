"""The coach inbox, threads, vacation coverage and the client's side."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from helpdesk.inbox import client_routes, desk_routes, routes, settings_routes, unassigned_routes  # noqa: E402,F401
