"""Calibration: several auditors review one coach reply independently, and their agreement is measured.

It uses the audits feature's rules (colours, who may open a reply); audits knows nothing of it.
"""

from flask import Blueprint

# The pages keep the URLs they had under /audits.
bp = Blueprint("calibration", __name__, url_prefix="/audits")

from helpdesk.calibration import routes  # noqa: E402,F401
