"""The client's side: their threads, and starting a new one with their coach."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required
from helpdesk.clients.coach_at import coach_id_at
from helpdesk.extensions import db
from helpdesk.idempotency import once_per_form
from helpdesk.inbox import bp
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import paginate_rows
from helpdesk.inbox.services import InboxRefusal, start_thread


def _home(status=200, form=None):
    newest = func.coalesce(Thread.last_message_at, Thread.created_at)
    stmt = select(Thread).where(Thread.client_id == current_user.id).order_by(newest.desc(), Thread.id.desc())
    try:
        page_no = int(request.args.get("page", 1))
    except ValueError:
        page_no = 1
    page, rows = paginate_rows(stmt, page_no, current_user)
    has_coach = coach_id_at(current_user.id) is not None
    return render_template("inbox/client_home.html", page=page, rows=rows,
                           has_coach=has_coach, form=form or {}), status


@bp.route("/my/threads")
@roles_required(Role.CLIENT.value)
def client_home():
    return _home()


@bp.route("/my/threads", methods=["POST"])
@roles_required(Role.CLIENT.value)
@once_per_form
def new_thread():
    try:
        thread = start_thread(current_user, request.form.get("subject"), request.form.get("body"))
    except InboxRefusal as exc:
        flash(exc.message, "error")
        return _home(400, request.form)
    db.session.commit()
    return redirect(url_for("inbox.thread", thread_id=thread.id))
