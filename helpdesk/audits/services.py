"""Shared rules of auditing: who may see an audit (`can_see_audit`) or a reply, and errors that name the field at fault.

Clients never reach any of this: every getter here refuses a client with 404.
"""

from flask import abort, current_app
from sqlalchemy import false, or_, select, true

from helpdesk.audits.models import Audit
from helpdesk.auth.models import Role, User
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.limits import TEXT_LIMITS

AUDITOR_ROLES = (Role.AUDITOR.value, Role.ADMIN.value)
LEADER_ROLES = (Role.TEAM_LEADER.value, Role.ADMIN.value)
# Who takes part in the conversation of the communication area.
NOTE_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value, Role.AUDITOR.value, Role.ADMIN.value)


# Length limits in characters (#11 item 8). The services enforce them, so the pages, the API and the import
# (imports/records.py takes AUDIT_COMMENT_MAX) refuse the same text.
NOTE_MAX = TEXT_LIMITS["communication_note"]  # a note in the communication area (and one linking a reply)
AUDIT_COMMENT_MAX = TEXT_LIMITS["audit_comment"]  # an auditor's comment on a reply
DISPUTE_REASON_MAX = TEXT_LIMITS["dispute_reason"]  # a coach's reason for disputing a Yellow
CALIBRATION_COMMENT_MAX = TEXT_LIMITS["calibration_comment"]  # an auditor's comment on a calibration item


class AuditError(Refusal):
    """A refused audit action; it always names the field at fault, and is a 422 unless told otherwise."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(status, message, field=field)


def thread_visible(user: User, thread: Thread | None) -> bool:
    """Staff who may open the thread (clients never: the communication area is staff only)."""
    from helpdesk.inbox.services import thread_visible_to

    return thread is not None and user.is_staff and thread_visible_to(user, thread)


def can_see_audit(user: User, audit: Audit) -> bool:
    """Who may see an audit: the audited coach, the team leader that coach reports to, auditors and admins.

    Nobody else: not support (the Audits view refuses them), not a coach covering an away teammate, not
    the leader of a client's new coach. The one rule for pages, API, notifications; `visible_audits` is
    its SQL twin for lists (tests/audits/test_visibility.py checks they agree)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role in AUDITOR_ROLES or user.id == audit.coach_id:
        return True
    return user.role == Role.TEAM_LEADER.value and audit.coach.reports_to_id == user.id


def visible_audits(user: User):
    """SQL condition on Audit: the audits `user` may see (the twin of `can_see_audit`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if user.role in AUDITOR_ROLES:
        return true()
    if user.role == Role.TEAM_LEADER.value:
        return or_(Audit.coach_id == user.id,
                   Audit.coach_id.in_(select(User.id).where(User.reports_to_id == user.id)))
    return Audit.coach_id == user.id


def get_audit(user: User, audit_id: int) -> Audit:
    """The audit if `user` may see it, else 404."""
    audit = db.session.get(Audit, audit_id)
    if audit is None or not user.is_staff or not can_see_audit(user, audit):
        abort(404)
    return audit


def get_thread(user: User, thread_id: int) -> Thread:
    """The thread if `user` is staff and may open it, else 404."""
    thread = db.session.get(Thread, thread_id)
    if not thread_visible(user, thread):
        abort(404)
    return thread


def get_message(user: User, message_id: int) -> Message:
    """The message if `user` is staff and may open its thread, else 404."""
    message = db.session.get(Message, message_id)
    if message is None or not thread_visible(user, message.thread):
        abort(404)
    return message


def require_coach_reply(message: Message, field: str = "message") -> None:
    """Only replies written by a coach are audited or calibrated."""
    if message.author.role != Role.COACH.value:
        raise AuditError(field, "Only a coach's reply can be audited; this message was not written by a coach.")


def clean_text(value) -> str:
    """The text without surrounding blanks; '' for None."""
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def bounded_text(value, field: str, limit: int) -> str:
    """`clean_text(value)`, refused with a 422 naming `field` when longer than `limit` characters or holding a
    NUL character (which PostgreSQL cannot store in text)."""
    text = clean_text(value)
    if len(text) > limit:
        raise AuditError(field, f"At most {limit:,} characters ({len(text):,} given).")
    if "\x00" in text:
        raise AuditError(field, "Contains a NUL character.")
    return text


def thread_link(thread_id: int, message_id: int | None = None) -> str:
    """The staff page of a thread (the inbox's), anchored at a message; the Audits view if it has none."""
    # Built from the URL map, so it works in a job as well as in a request.
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    if "inbox.thread" in current_app.view_functions:
        url = adapter.build("inbox.thread", {"thread_id": thread_id})
    else:
        url = adapter.build("audits.inbox")
    return f"{url}#m{message_id}" if message_id else url
