"""The auditors' queue, Green/Blue/Yellow feedback and the coach communication area (calibration is its own
feature, helpdesk.calibration, which uses this one)."""

from flask import Blueprint

bp = Blueprint("audits", __name__, url_prefix="/audits")

from helpdesk.audits import routes, views  # noqa: E402,F401
