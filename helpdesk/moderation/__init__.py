"""The marketplace moderation queue."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
