"""The coach inbox, threads, vacation coverage and the client's side."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)
