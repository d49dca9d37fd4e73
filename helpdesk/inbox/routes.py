"""Inbox pages: the coach inbox, a thread, replying, marking read, coverage and the team page."""

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from helpdesk.auth.models import ROLES, Role, User
from helpdesk.auth.permissions import login_required, roles_required, visible_or_404
from helpdesk.extensions import db
from helpdesk.inbox import bp
from helpdesk.inbox.coverage import away_coach_ids, coverage_select, team_overview
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import VIEWS, inbox_select, inbox_summary, paginate_rows, wait_state
from helpdesk.inbox.saved_replies import visible_saved_replies
from helpdesk.inbox.services import mark_read, post_message, thread_visible_to, visibility
from helpdesk.inbox.thread_page import other_threads, read_receipt, thread_messages
from helpdesk.types import utcnow

INBOX_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)


def visible_thread_or_404(thread_id: int) -> Thread:
    """The thread if the caller may see it; 404 for unknown and invisible ids alike."""
    thread = db.session.get(Thread, thread_id)
    return visible_or_404(thread, thread_visible_to(current_user, thread))


def _page_arg() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _client_arg() -> int | None:
    try:
        return int(request.args["client"]) if request.args.get("client") else None
    except ValueError:
        return None


@bp.route("/inbox")
@roles_required(*INBOX_ROLES)
def index():
    view = request.args.get("view", "all")
    if view not in VIEWS:
        view = "all"
    client_id = _client_arg()
    q = request.args.get("q", "").strip()[:200]
    visible, now = visibility(current_user), utcnow()
    counts, clients = inbox_summary(current_user, client_id, q, now, visible)
    page, rows = paginate_rows(inbox_select(current_user, view, client_id, q, now, visible), _page_arg(),
                               current_user, total=counts[view], now=now)
    return render_template("inbox/index.html", page=page, rows=rows, view=view,
                           views=VIEWS, counts=counts, q=q, client_id=client_id, clients=clients)


@bp.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id):
    thread = visible_thread_or_404(thread_id)
    staff = current_user.role != Role.CLIENT.value
    saved = db.session.scalars(visible_saved_replies(current_user)).all() if staff else []
    return render_template(
        "inbox/thread.html", thread=thread, messages=thread_messages(thread), client=thread.client,
        viewer_is_staff=staff, wait=wait_state(thread.waiting_since) if staff else None,
        other_threads=other_threads(thread) if staff else [], saved_replies=saved,
        read_receipt=read_receipt(thread), draft=None)


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
@roles_required(*ROLES)
def reply(thread_id):
    thread = visible_thread_or_404(thread_id)
    try:
        message = post_message(thread, current_user, request.form.get("body", ""))
    except ValueError as exc:
        flash(str(exc).split(": ", 1)[-1], "error")
        return redirect(url_for("inbox.thread", thread_id=thread.id))
    db.session.commit()
    return redirect(url_for("inbox.thread", thread_id=thread.id, _anchor=f"m{message.id}"))


@bp.route("/threads/<int:thread_id>/read", methods=["POST"])
@roles_required(*ROLES)
def read(thread_id):
    thread = visible_thread_or_404(thread_id)
    mark = mark_read(thread, current_user)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json" or request.headers.get("Sec-Fetch-Mode") == "cors":
        return jsonify(read_at=mark.read_at.isoformat())
    return redirect(url_for("inbox.thread", thread_id=thread.id))


@bp.route("/coverage")
@roles_required(*INBOX_ROLES)
def coverage():
    away = away_coach_ids(current_user)
    away_names = db.session.scalars(select(User.name).where(User.id.in_(away)).order_by(User.name)).all()
    page, rows = paginate_rows(coverage_select(current_user), _page_arg(), current_user)
    return render_template("inbox/coverage.html", page=page, rows=rows,
                           away_names=away_names)


@bp.route("/team")
@roles_required(Role.TEAM_LEADER.value)
def team():
    page, rows = paginate_rows(coverage_select(current_user), _page_arg(), current_user)
    return render_template("inbox/team.html", overview=team_overview(current_user), page=page,
                           rows=rows, sla_hours=current_app.config["SLA_HOURS"])

