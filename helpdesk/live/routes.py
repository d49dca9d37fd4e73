"""Live routes: the event streams, the bell and presence state, and a thread page's presence reports."""

from flask import abort, jsonify, request

from helpdesk.auth.models import STAFF_ROLES, Role, User
from helpdesk.auth.permissions import login_required, roles_required, signed_in_user
from helpdesk.clients.coverage import away_coach_ids
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.inbox.routes import visible_thread_or_404
from helpdesk.inbox.services import thread_visible_to, visible_threads
from helpdesk.limits import MAX_ID
from helpdesk.live import bp, presence
from helpdesk.live.publish import publish
from helpdesk.live.stream import event_stream, refusal
from helpdesk.notifications.services import unread_count

MAX_THREADS = 100  # an inbox page's rows, with room to spare


def _thread_ids_arg() -> list[int]:
    """The `thread` query values (an inbox page's rows); 400 beyond MAX_THREADS, 404 for a malformed id."""
    values = request.args.getlist("thread")
    if len(values) > MAX_THREADS:
        abort(400)
    ids = []
    for value in values:
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            abort(404)
        ids.append(int(value))
    return sorted(set(ids))


def visible_ids_or_404(user: User, thread_ids: list[int]) -> list[int]:
    """The ids if `user` may see every one of those threads (thread_visible_to; its SQL twin for a list);
    404 otherwise, as for a thread that does not exist, so nothing is confirmed."""
    if len(thread_ids) == 1:
        if not thread_visible_to(user, db.session.get(Thread, thread_ids[0])):
            abort(404)
        return thread_ids
    if thread_ids:
        visible = set(db.session.scalars(visible_threads(user).with_only_columns(Thread.id)
                                         .where(Thread.id.in_(thread_ids))))
        if visible != set(thread_ids):
            abort(404)
    return thread_ids


def stream_topics(user: User, thread_ids: list[int], inbox: bool) -> frozenset[str]:
    """The topics `user` may hear: their own bell, the threads they may see (and, staff only, the presence and
    communication area of those), and with `inbox` the coaches whose clients fill their inbox today."""
    topics = {f"user:{user.id}", "desk"}
    staff = user.role != Role.CLIENT.value
    for thread_id in thread_ids:
        topics.add(f"thread:{thread_id}")
        if staff:
            topics.add(f"staff:thread:{thread_id}")
    if inbox and user.role == Role.COACH.value:
        topics.update(f"coach:{coach_id}" for coach_id in (user.id, *away_coach_ids(user)))
    elif inbox and user.role == Role.TEAM_LEADER.value:
        topics.update((f"team:{user.id}", "unassigned"))
    return frozenset(topics)


def _stream(thread_ids: list[int]):
    user = signed_in_user()
    visible_ids_or_404(user, thread_ids)
    why = refusal()
    if why:
        response = jsonify(error="Service Unavailable", message=why, status=503)
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    topics = stream_topics(user, thread_ids, request.args.get("inbox") == "1")
    # The request's app context (and so its database session) ends when this returns, before the first
    # byte of the stream: a stream holds no database connection.
    return event_stream(topics)


@bp.route("/live/stream")
@login_required
def stream():
    """Events for the bell, and with `inbox=1` the inbox, and with `thread=ID`s those rows' presence."""
    return _stream(_thread_ids_arg())


@bp.route("/live/threads/<int:thread_id>/stream")
@login_required
def thread_stream(thread_id):
    """Events for one thread page: new messages; for staff also presence and the communication area."""
    return _stream([thread_id])


@bp.route("/live/state")
@login_required
def state():
    """The bell's count and, for staff, who else is in each of the `thread`s (each must be visible)."""
    user = signed_in_user()
    thread_ids = visible_ids_or_404(user, _thread_ids_arg())
    body = {"unread_notifications": unread_count(user.id)}
    if user.role != Role.CLIENT.value:
        body["presence"] = {str(tid): marks for tid, marks in presence.others_in(thread_ids, user.id).items()}
    return jsonify(body)


@bp.route("/live/threads/<int:thread_id>/presence", methods=["POST"])
@roles_required(*STAFF_ROLES)
def report_presence(thread_id):
    """A thread page says its user is viewing, typing or has left; others hear of a change."""
    user = signed_in_user()
    thread = visible_thread_or_404(thread_id)
    state = request.form.get("state", "viewing")
    if state not in presence.STATES:
        return jsonify(error="Unprocessable Entity", message="state: viewing, typing or left.", status=422,
                       errors={"form": {"state": ["Must be viewing, typing or left."]}}), 422
    if presence.report(thread.id, user, state):
        publish((f"staff:thread:{thread.id}",), "presence")
    return jsonify(presence=presence.others_in([thread.id], user.id)[thread.id])


