"""Inbox pages: the coach inbox, a thread, replying, marking read, coverage and the team page."""

from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from helpdesk.auth.models import ROLES, Role, User
from helpdesk.auth.permissions import login_required, roles_required, visible_or_404
from helpdesk.clients.assignments import assignable_coaches
from helpdesk.extensions import db
from helpdesk.idempotency import form_token_field, once_per_form
from helpdesk.inbox import bp
from helpdesk.inbox.collision import lock_thread, newer_messages
from helpdesk.inbox.coverage import away_coach_ids, coverage_select, team_overview
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import VIEWS, inbox_page, inbox_summary, paginate_rows, wait_state
from helpdesk.inbox.row_markup import thread_rows
from helpdesk.inbox.saved_replies import filled, visible_saved_replies
from helpdesk.inbox.schemas import MAX_ID
from helpdesk.inbox.services import InboxRefusal, mark_read, post_message, thread_visible_to
from helpdesk.inbox.thread_page import other_threads, read_receipt, thread_messages
from helpdesk.template_helpers import fixed_url
from helpdesk.types import utcnow

INBOX_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)

# Every form that writes carries a one-time token (helpdesk/idempotency.py): `{{ form_token_field() }}`.
bp.add_app_template_global(form_token_field, "form_token_field")
bp.add_app_template_global(thread_rows, "thread_rows")


@bp.app_template_global("thread_url_prefix")
def thread_url_prefix() -> str:
    """What `url_for("inbox.thread", thread_id=N)` gives before N ("/threads/" under the app's root): a list
    builds each row's link as this and the id: one url_for per app and root (fixed_url), not one per row
    (issue #15)."""
    head, slash, last = fixed_url("inbox.thread", thread_id=1).rpartition("/")
    if last != "1":
        raise RuntimeError(f"the thread route no longer ends with its id: {head}{slash}{last}")
    return head + slash


@bp.app_template_global("client_options")
def client_options(clients, selected: int | None) -> Markup:
    """The client filter's <option>s: each client's name, and how many of their threads wait. A coach can have
    hundreds of clients; one pass in Python instead of a Jinja loop with three escapes per option (issue #15)."""
    parts = []
    for c in clients:
        waiting = f" ({int(c.waiting)} waiting)" if c.waiting else ""
        chosen = " selected" if c.id == selected else ""
        parts.append(f'<option value="{int(c.id)}"{chosen}>{escape(c.name)}{waiting}</option>')
    return Markup("".join(parts))


def visible_thread_or_404(thread_id: int) -> Thread:
    """The thread if the caller may see it; 404 for unknown and invisible ids alike."""
    thread = db.session.get(Thread, thread_id) if thread_id <= MAX_ID else None
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


# The view the user chose last (issue #14), kept in a cookie of its own rather than in the signed session: it
# is a preference, not a credential, and a session changed on every tab click is re-signed and resent each time
# (issue #15). The value is "<user id>.<view>": another user signing in on the same browser ignores it, and
# anything else in it is ignored too.
LAST_VIEW_COOKIE = "inbox_view"
LAST_VIEW_DAYS = 365


def _remembered_view() -> str | None:
    user_id, _, view = request.cookies.get(LAST_VIEW_COOKIE, "").partition(".")
    return view if user_id == str(current_user.id) and view in VIEWS else None


def _remember_view(response, view: str):
    response.set_cookie(LAST_VIEW_COOKIE, f"{current_user.id}.{view}", max_age=LAST_VIEW_DAYS * 86400,
                        path=url_for("inbox.index"), secure=current_app.config["SESSION_COOKIE_SECURE"],
                        httponly=True, samesite="Lax")
    return response


def landing_view(counts: dict, remembered: str | None) -> str:
    """The view /inbox opens on (issue #14): Breached while any thread is breached, else the view chosen
    last, else Waiting (oldest wait first: the work that matters)."""
    if counts.get("breached"):
        return "breached"
    return remembered if remembered in VIEWS else "waiting"


@bp.route("/inbox")
@roles_required(*INBOX_ROLES)
def index():
    view = request.args.get("view")
    chosen = view in VIEWS
    remembered = _remembered_view()
    client_id = _client_arg()
    q = request.args.get("q", "").strip()[:200]
    now = utcnow()
    counts, clients = inbox_summary(current_user, client_id, q, now)
    if not chosen:
        # A search from the landing page looks in every thread.
        view = "all" if q else landing_view(counts, remembered)
    page, rows = inbox_page(current_user, view, client_id, q, _page_arg(), counts[view], now)
    leader = current_user.role == Role.TEAM_LEADER.value
    response = make_response(render_template(
        "inbox/index.html", page=page, rows=rows, view=view, view_chosen=chosen, views=VIEWS, counts=counts, q=q,
        client_id=client_id, clients=clients,
        bulk_coaches=db.session.scalars(assignable_coaches(current_user)).all() if leader else None))
    # Only a change is written.
    return _remember_view(response, view) if chosen and view != remembered else response


def _thread_page(thread: Thread, status: int = 200, draft: str | None = None, newer=(), insert: int | None = None):
    """The thread page; `insert` (a saved reply's id, the no-JavaScript way to insert one) starts the draft
    with that reply, its variables filled in."""
    staff = current_user.role != Role.CLIENT.value
    saved = db.session.scalars(visible_saved_replies(current_user)).all() if staff else []
    saved_text = {r.id: filled(r, thread, current_user) for r in saved}
    if draft is None and insert in saved_text:
        draft = saved_text[insert]
    messages = thread_messages(thread)
    return render_template(
        "inbox/thread.html", thread=thread, messages=messages, client=thread.client,
        viewer_is_staff=staff, wait=wait_state(thread.waiting_since) if staff else None,
        other_threads=other_threads(thread) if staff else [], saved_replies=saved, saved_text=saved_text,
        read_receipt=read_receipt(thread), draft=draft, newer_ids={m.id for m in newer},
        last_seen_message_id=messages[-1].id if messages else ""), status


@bp.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id):
    insert = request.args.get("insert", "")
    return _thread_page(visible_thread_or_404(thread_id), insert=int(insert) if insert.isdigit() else None)


def _last_seen_arg() -> int | None:
    try:
        value = int(request.form.get("last_seen_message_id") or 0)
    except ValueError:
        return None
    return value if 0 < value <= MAX_ID else None


@bp.route("/threads/<int:thread_id>/reply", methods=["POST"])
@roles_required(*ROLES)
@once_per_form
def reply(thread_id):
    """Send a reply; held (409, the new messages shown, the draft kept) when someone else wrote after the
    last message the writer saw, unless they chose to send anyway."""
    thread = lock_thread(visible_thread_or_404(thread_id))
    body = request.form.get("body", "")
    if not request.form.get("force"):
        newer = newer_messages(thread, current_user, _last_seen_arg())
        if newer:
            flash(f"{len(newer)} new message(s) arrived while you were writing; your reply was not sent. "
                  "Read them, then send anyway or edit.", "warning")
            return _thread_page(thread, 409, draft=body, newer=newer)
    try:
        message = post_message(thread, current_user, body)
    except InboxRefusal as exc:
        db.session.rollback()  # nothing stored, and the form's token stays unused
        flash(exc.message, "error")
        return redirect(url_for("inbox.thread", thread_id=thread_id))
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

