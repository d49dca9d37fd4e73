"""The auditors' queue, Green/Blue/Yellow feedback and the coach communication area."""

from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")

from helpdesk.audits import routes, routes_calibration, views  # noqa: E402,F401
