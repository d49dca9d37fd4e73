"""Inbox API: threads, messages, read marks and vacations; same visibility rules as the pages."""

from flask import abort, current_app
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort

from helpdesk.auth.models import ROLES, Role
from helpdesk.auth.permissions import roles_required, visible_or_404
from helpdesk.extensions import db
from helpdesk.inbox.coverage import VacationError, add_vacation, delete_vacation, vacations_of
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import inbox_select, paginate_rows, view_counts, wait_state
from helpdesk.inbox.schemas import (
    MessageSchema,
    NewMessageSchema,
    NewThreadSchema,
    ThreadListArgs,
    VacationSchema,
    thread_schema_for,
)
from helpdesk.inbox.services import mark_read, post_message, start_thread, thread_visible_to, visibility
from helpdesk.inbox.thread_page import read_receipt, thread_messages
from helpdesk.types import utcnow

blp = Blueprint("inbox_api", __name__, url_prefix="/api/v1", description="Threads, messages and vacations")

STAFF_INBOX = (Role.COACH.value, Role.TEAM_LEADER.value)


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    return visible_or_404(thread, thread_visible_to(current_user, thread))


def _field_error(exc: ValueError):
    """422 naming the field, from a service error worded "field: message"."""
    field, _, message = str(exc).partition(": ")
    api_abort(422, messages={"json": {field: [message or str(exc)]}})


def _message_dict(m) -> dict:
    return {"id": m.id, "author_id": m.author_id, "author_name": m.author.name, "author_role": m.author.role,
            "sent_at": m.sent_at, "body": m.body, "permalink": f"/threads/{m.thread_id}#m{m.id}"}


def _thread_dict(thread: Thread, row=None, with_messages: bool = False) -> dict:
    wait = row.wait if row is not None else wait_state(thread.waiting_since)
    data = {"id": thread.id, "subject": thread.subject, "client_id": thread.client_id,
            "client_name": row.client_name if row is not None else thread.client.name,
            "created_at": thread.created_at, "last_message_at": thread.last_message_at,
            "permalink": f"/threads/{thread.id}", "waiting_since": thread.waiting_since,
            "wait_seconds": wait.seconds if wait else None, "wait_state": wait.state if wait else None}
    if row is not None:
        data.update(unread=row.unread, excerpt=row.excerpt)
    if with_messages:
        receipt = read_receipt(thread)
        data["messages"] = [_message_dict(m) for m in thread_messages(thread)]
        data["read_by_coach_at"] = receipt.read_at if receipt else None
        data["read_by_name"] = receipt.name if receipt else None
    return data


@blp.route("/threads")
@roles_required(*ROLES)
@blp.arguments(ThreadListArgs, location="query")
def list_threads(args):
    """The caller's visible threads: view=waiting|unread|breached|all, q= search, client= filter, page=."""
    view = args["view"]
    if current_user.role == Role.CLIENT.value and view in ("waiting", "breached"):
        view = "all"  # wait views are staff-only
    visible, now = visibility(current_user), utcnow()
    counts = None
    if current_user.role != Role.CLIENT.value:
        counts = view_counts(current_user, args["client"], args["q"], now, visible)
    stmt = inbox_select(current_user, view, args["client"], args["q"], now, visible)
    page, rows = paginate_rows(stmt, args["page"], current_user, total=counts[view] if counts else None, now=now)
    body = {"items": thread_schema_for(current_user, many=True).dump([_thread_dict(r.thread, r) for r in rows]),
            "page": page.page, "pages": page.pages, "total": page.total,
            "per_page": current_app.config["INBOX_PAGE_SIZE"]}
    if counts is not None:
        body["counts"] = counts
    return body


@blp.route("/threads", methods=["POST"])
@roles_required(Role.CLIENT.value)
@blp.arguments(NewThreadSchema)
def create_thread(data):
    """A client starts a thread with their coach (or the unassigned queue)."""
    try:
        thread = start_thread(current_user, data["subject"], data["body"])
    except ValueError as exc:
        _field_error(exc)
    db.session.commit()
    return thread_schema_for(current_user).dump(_thread_dict(thread, with_messages=True)), 201


@blp.route("/threads/<int:thread_id>")
@roles_required(*ROLES)
def get_thread(thread_id):
    """One thread with its messages in order."""
    thread = _thread_or_404(thread_id)
    return thread_schema_for(current_user).dump(_thread_dict(thread, with_messages=True))


@blp.route("/threads/<int:thread_id>/messages", methods=["POST"])
@roles_required(*ROLES)
@blp.arguments(NewMessageSchema)
def create_message(data, thread_id):
    """Post a message (a reply from staff, a follow-up from the client)."""
    thread = _thread_or_404(thread_id)
    try:
        message = post_message(thread, current_user, data["body"])
    except ValueError as exc:
        _field_error(exc)
    db.session.commit()
    return MessageSchema().dump(_message_dict(message)), 201


@blp.route("/threads/<int:thread_id>/read", methods=["POST"])
@roles_required(*ROLES)
def read_thread(thread_id):
    """Mark the thread read by the caller now."""
    thread = _thread_or_404(thread_id)
    mark = mark_read(thread, current_user)
    db.session.commit()
    return {"thread_id": thread.id, "read_at": mark.read_at.isoformat()}


@blp.route("/vacations")
@roles_required(*STAFF_INBOX)
def list_vacations():
    """The caller's vacations."""
    return {"items": VacationSchema(many=True).dump(vacations_of(current_user))}


@blp.route("/vacations", methods=["POST"])
@roles_required(*STAFF_INBOX)
@blp.arguments(VacationSchema)
def create_vacation(data):
    """Schedule a vacation (both days included; no overlap with the caller's others)."""
    try:
        vacation = add_vacation(current_user, data["starts_on"], data["ends_on"])
    except VacationError as exc:
        _field_error(exc)
    db.session.commit()
    return VacationSchema().dump(vacation), 201


@blp.route("/vacations/<int:vacation_id>", methods=["DELETE"])
@roles_required(*STAFF_INBOX)
def remove_vacation(vacation_id):
    """Delete one of the caller's vacations."""
    if not delete_vacation(current_user, vacation_id):
        abort(404)
    db.session.commit()
    return "", 204


from helpdesk.inbox import api_unassigned  # noqa: E402,F401  (the unassigned queue, on this blueprint)
