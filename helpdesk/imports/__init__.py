"""Loading a program's history from the import format."""

from flask import Blueprint

bp = Blueprint("imports", __name__)
