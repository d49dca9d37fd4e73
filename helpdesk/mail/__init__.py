"""Email: each user's choice per kind of notification (instant, daily digest, off), sent by jobs through
SMTP (`MAIL_URL`) or, with no MAIL_URL, written to `instance/mail/` as .eml files."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from helpdesk.mail import routes  # noqa: E402,F401
