"""Inbox API: threads, messages, read marks and vacations; same visibility rules as the pages.

Every answer goes through a schema of inbox/schemas.py (a client's through the client view of the thread
schema); the writes are idempotent with an `Idempotency-Key` header and commit only once their answer is
built, so nothing is read from the database after the commit.
"""

from flask import jsonify
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort

from helpdesk.api_pages import PageArgs, page_body, page_of
from helpdesk.auth.models import ROLES, Role
from helpdesk.auth.permissions import roles_required, visible_or_404
from helpdesk.extensions import db
from helpdesk.idempotency import idempotent
from helpdesk.inbox.collision import lock_thread, newer_messages
from helpdesk.inbox.coverage import add_vacation, delete_vacation, vacations_of
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import inbox_select, paginate_rows, view_counts, wait_state
from helpdesk.inbox.schemas import (
    MAX_ID,
    CollisionSchema,
    MessageSchema,
    NewMessageSchema,
    NewThreadSchema,
    ReadMarkSchema,
    ThreadForCallerSchema,
    ThreadListArgs,
    ThreadPageSchema,
    VacationSchema,
)
from helpdesk.inbox.services import mark_read, post_message, start_thread, thread_visible_to, visibility
from helpdesk.inbox.thread_page import read_receipt, thread_messages
from helpdesk.types import utcnow

blp = Blueprint("inbox_api", __name__, url_prefix="/api/v1", description="Threads, messages and vacations")

STAFF_INBOX = (Role.COACH.value, Role.TEAM_LEADER.value)
VACATION_PAGE_SIZE = 50


def _thread_or_404(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id) if thread_id <= MAX_ID else None
    return visible_or_404(thread, thread_visible_to(current_user, thread))


def _thread_view(thread: Thread, row=None, with_messages: bool = False) -> dict:
    """What ThreadSchema dumps for one thread (a list row adds unread and excerpt; one thread its messages)."""
    wait = row.wait if row is not None else wait_state(thread.waiting_since)
    view = {"id": thread.id, "subject": thread.subject, "client_id": thread.client_id,
            "client_name": row.client_name if row is not None else thread.client.name,
            "created_at": thread.created_at, "last_message_at": thread.last_message_at,
            "waiting_since": thread.waiting_since,
            "wait_seconds": wait.seconds if wait else None, "wait_state": wait.state if wait else None}
    if row is not None:
        view.update(unread=row.unread, excerpt=row.excerpt)
    if with_messages:
        receipt = read_receipt(thread)
        view["messages"] = thread_messages(thread)
        view["read_by_coach_at"] = receipt.read_at if receipt else None
        view["read_by_name"] = receipt.name if receipt else None
    return view


@blp.route("/threads")
@roles_required(*ROLES)
@blp.arguments(ThreadListArgs, location="query")
@blp.response(200, ThreadPageSchema)
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
    body = page_body([_thread_view(r.thread, r) for r in rows], page.page, page.total, page.per_page)
    if counts is not None:
        body["counts"] = counts
    return body


@blp.route("/threads", methods=["POST"])
@roles_required(Role.CLIENT.value)
@idempotent
@blp.arguments(NewThreadSchema)
@blp.response(201, ThreadForCallerSchema)
def create_thread(data):
    """A client starts a thread with their coach (or the unassigned queue). Send an `Idempotency-Key`
    header to make a retry safe: the same key answers the first thread again instead of a second one."""
    thread = start_thread(current_user, data["subject"], data["body"])  # an InboxRefusal answers 422
    return _thread_view(thread, with_messages=True)


@blp.route("/threads/<int:thread_id>")
@roles_required(*ROLES)
@blp.response(200, ThreadForCallerSchema)
def get_thread(thread_id):
    """One thread with its messages in order."""
    return _thread_view(_thread_or_404(thread_id), with_messages=True)


@blp.route("/threads/<int:thread_id>/messages", methods=["POST"])
@roles_required(*ROLES)
@idempotent
@blp.arguments(NewMessageSchema)
@blp.response(201, MessageSchema)
@blp.alt_response(409, schema=CollisionSchema, description="Newer messages arrived after "
                  "`last_seen_message_id` (nothing was sent); send again with the newest id, or `force`.")
def create_message(data, thread_id):
    """Post a message (a reply from staff, a follow-up from the client). With `last_seen_message_id`, a
    message by someone else after it holds the reply (409 with the newer messages) unless `"force": true`.
    An `Idempotency-Key` header makes a retry safe (the first answer is returned, nothing sent twice)."""
    thread = lock_thread(_thread_or_404(thread_id))
    if not data["force"]:
        newer = newer_messages(thread, current_user, data["last_seen_message_id"])
        if newer:
            body = CollisionSchema().dump({
                "error": "conflict", "status": 409, "newer_messages": newer,
                "message": f"{len(newer)} newer message(s) arrived since the one you saw; nothing was sent."})
            return jsonify(body), 409
    message = post_message(thread, current_user, data["body"])
    return message


@blp.route("/threads/<int:thread_id>/read", methods=["POST"])
@roles_required(*ROLES)
@idempotent
@blp.response(200, ReadMarkSchema)
def read_thread(thread_id):
    """Mark the thread read by the caller now."""
    thread = _thread_or_404(thread_id)
    mark = mark_read(thread, current_user)
    return {"thread_id": thread.id, "read_at": mark.read_at}


@blp.route("/vacations")
@roles_required(*STAFF_INBOX)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(VacationSchema))
def list_vacations(args):
    """The caller's vacations, earliest first."""
    vacations = vacations_of(current_user)
    start = (args["page"] - 1) * VACATION_PAGE_SIZE
    return page_body(vacations[start:start + VACATION_PAGE_SIZE], args["page"], len(vacations), VACATION_PAGE_SIZE)


@blp.route("/vacations", methods=["POST"])
@roles_required(*STAFF_INBOX)
@idempotent
@blp.arguments(VacationSchema)
@blp.response(201, VacationSchema)
def create_vacation(data):
    """Schedule a vacation (both days included; no overlap with the caller's others)."""
    return add_vacation(current_user, data["starts_on"], data["ends_on"])


@blp.route("/vacations/<int:vacation_id>", methods=["DELETE"])
@roles_required(*STAFF_INBOX)
@idempotent
@blp.response(204)
def remove_vacation(vacation_id):
    """Delete one of the caller's vacations."""
    if vacation_id > MAX_ID or not delete_vacation(current_user, vacation_id):
        api_abort(404)
    return ""


from helpdesk.inbox import api_unassigned  # noqa: E402,F401  (the unassigned queue, on this blueprint)
