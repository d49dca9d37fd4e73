"""Response-time SLAs, monthly rankings, bonuses and earnings."""

from flask import Blueprint

bp = Blueprint("rankings", __name__)
