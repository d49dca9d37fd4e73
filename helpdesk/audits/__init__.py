"""The auditors' queue, Green/Blue/Yellow feedback and the coach communication area."""

from flask import Blueprint

bp = Blueprint("audits", __name__)
