"""Pages: the Audits view, the auditors' queue, and the forms of the communication area."""

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.audits import bp, disputes, feedback, listing, queue
from helpdesk.audits.area import add_note
from helpdesk.audits.feedback import yellow_clock
from helpdesk.audits.forms import ActForm, AuditForm, DisputeForm, NoteForm, ResolveForm
from helpdesk.audits.models import COLORS, AuditSample
from helpdesk.audits.quality import live_quality
from helpdesk.audits.services import AuditError, get_audit, get_message, get_thread, thread_link
from helpdesk.auth.models import User
from helpdesk.auth.permissions import roles_required
from helpdesk.extensions import db
from helpdesk.jobs import enqueue
from helpdesk.redirects import safe_next
from helpdesk.types import utcnow


def back(default: str):
    """Where a form returns: its `next` field when it is a path on this site."""
    return redirect(safe_next(request.form.get("next")) or default)


def refused(error: AuditError, default: str):
    """A refused form: 403/404 as such, anything else flashed with its field (services check before they change anything)."""
    if error.status in (403, 404):
        abort(error.status)
    flash(f"{error.field.replace('_', ' ').capitalize()}: {error}", "error")
    return back(default)


@bp.route("/")
@roles_required("coach", "team_leader", "admin")
def inbox():
    """The Audits view: mine as a coach, my team's as a team leader, with filters and live quality."""
    now = utcnow()
    filters = {k: request.args.get(k) or None for k in ("color", "state", "coach_id", "month")}
    if filters["coach_id"] and not filters["coach_id"].isdigit():
        filters["coach_id"] = None
    coaches = listing.coaches_in_view(current_user)
    return render_template(
        "audits/inbox.html", audits=listing.list_audits(current_user, now=now, **filters), filters=filters,
        states=listing.STATES, coaches=coaches, quality=live_quality(coaches, now), now=now,
        clock_of=lambda a: yellow_clock(a, now), overdue=listing.overdue_count(current_user, now),
        thread_link=thread_link, dispute_form=DisputeForm(), resolve_form=ResolveForm(),
        can_resolve=lambda a: disputes.can_resolve(current_user, a),
    )


PAGE_ITEMS, MAX_PAGE = 50, 10_000


@bp.route("/queue", endpoint="queue")
@roles_required("auditor", "admin")
def queue_page():
    """The sample items open to the auditor, filtered by coach (an id, or a name or email to find) and day,
    with their counts."""
    coach_id, day = request.args.get("coach_id") or "", request.args.get("day") or ""
    coach_id = int(coach_id) if coach_id.isdigit() and int(coach_id) < 2**31 else None
    term = (request.args.get("coach") or "").strip()[:200]
    matches = queue.find_coaches(current_user, term) if term else []
    if term:  # a name or email typed in the form (what the picker fills in too)
        coach_id = matches[0][0] if len(matches) == 1 else None
        if not matches:
            flash(f"No coach with open items matches \u201c{term}\u201d.", "error")
    try:
        day = date.fromisoformat(day) if day else None
    except ValueError:
        flash("Day: use the form YYYY-MM-DD.", "error")
        day = None
    page = request.args.get("page") or ""
    page = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    coach = db.session.get(User, coach_id) if coach_id is not None else None
    items = queue.open_items(current_user, coach_id, day, limit=PAGE_ITEMS, offset=(page - 1) * PAGE_ITEMS)
    return render_template("audits/queue.html", items=items, page=page, per_page=PAGE_ITEMS,
                           counts=queue.queue_counts(current_user), filters={"coach_id": coach_id, "day": day},
                           coach=coach, coach_open=queue.coach_count(current_user, coach_id) if coach else None,
                           term=term, matches=matches if len(matches) > 1 else [], match_limit=queue.COACH_MATCHES,
                           thread_link=thread_link)


@bp.route("/queue/coaches")
@roles_required("auditor", "admin")
def queue_coaches():
    """The coach picker's suggestions: coaches with open items whose name or email contains `q` (JSON)."""
    term = (request.args.get("q") or "").strip()[:200]
    return jsonify([{"id": i, "name": name, "email": email, "open": n}
                    for i, name, email, n in queue.find_coaches(current_user, term)])


def render_queue_item(item, message, form, status=200):
    """The audit item page: the reply with the thread around it, and the audit form (as typed, if refused)."""
    return render_template("audits/queue_item.html", item=item, message=message, form=form,
                           context=queue.thread_context(message), thread_link=thread_link), status


@bp.route("/queue/<int:item_id>")
@roles_required("auditor", "admin")
def queue_item(item_id):
    try:
        item = queue.open_item(current_user, item_id)
    except AuditError as error:  # a page to open, not a form to go back to: answered with its status
        abort(error.status, str(error))
    message = get_message(current_user, item.message_id)
    return render_queue_item(item, message, AuditForm())


@bp.route("/queue/<int:item_id>/claim", methods=["POST"])
@roles_required("auditor", "admin")
def claim(item_id):
    try:
        queue.claim(current_user, item_id)
    except AuditError as error:
        return refused(error, url_for("audits.queue"))
    db.session.commit()
    return redirect(url_for("audits.queue_item", item_id=item_id))


@bp.route("/queue/<int:item_id>/release", methods=["POST"])
@roles_required("auditor", "admin")
def release(item_id):
    try:
        queue.release(current_user, item_id)
    except AuditError as error:
        return refused(error, url_for("audits.queue"))
    db.session.commit()
    return redirect(url_for("audits.queue"))


@bp.route("/sample", methods=["POST"])
@roles_required("admin")
def sample_now():
    """Build today's sample now (the job also runs daily)."""
    enqueue("workers.audits.build_daily_sample", request.form.get("day") or None, requested_by=current_user)
    db.session.commit()
    flash("The sample is being built.", "info")
    return redirect(url_for("audits.queue"))


@bp.route("/messages/<int:message_id>", methods=["POST"])
@roles_required("auditor", "admin")
def audit_message(message_id):
    message = get_message(current_user, message_id)
    form = AuditForm()
    try:
        feedback.create_audit(current_user, message, form.color.data, form.comment.data)
    except AuditError as error:
        item_id = request.form.get("item_id") or ""
        item = db.session.get(AuditSample, int(item_id)) if item_id.isdigit() and int(item_id) < 2**31 else None
        if error.status == 422 and item is not None and item.message_id == message.id:
            # From the audit item page: shown again with the colour and comment as chosen.
            flash(f"{error.field.replace('_', ' ').capitalize()}: {error}", "error")
            return render_queue_item(item, message, form, 422)
        # From the thread page: back to it with the form open on the colour chosen (a Yellow refused for
        # want of a comment stays Yellow).
        if error.status == 422 and form.color.data in COLORS:
            flash(f"{error.field.replace('_', ' ').capitalize()}: {error}", "error")
            path, _, anchor = thread_link(message.thread_id, message.id).partition("#")
            return redirect(f"{path}?audit_message={message.id}&audit_color={form.color.data}#{anchor}")
        return refused(error, thread_link(message.thread_id, message.id))
    db.session.commit()
    flash("Audit saved; the coach and their team leader have been told.", "info")
    return back(thread_link(message.thread_id, message.id))


@bp.route("/threads/<int:thread_id>/notes", methods=["POST"])
@roles_required("coach", "team_leader", "auditor", "admin")
def add_thread_note(thread_id):
    thread = get_thread(current_user, thread_id)
    try:
        add_note(current_user, thread, NoteForm().body.data)
    except AuditError as error:
        return refused(error, thread_link(thread.id))
    db.session.commit()
    return back(thread_link(thread.id))


@bp.route("/<int:audit_id>/act", methods=["POST"])
@roles_required("coach")
def act(audit_id):
    audit = get_audit(current_user, audit_id)
    form = ActForm()
    default = thread_link(audit.message.thread_id)
    try:
        feedback.act_on_yellow(current_user, audit, request.form.get("message_id"), form.note.data)
    except AuditError as error:
        return refused(error, default)
    db.session.commit()
    flash("Your better reply is linked; the Yellow is acted on.", "info")
    return back(default)


@bp.route("/<int:audit_id>/dispute", methods=["POST"])
@roles_required("coach")
def dispute(audit_id):
    audit = get_audit(current_user, audit_id)
    try:
        disputes.dispute(current_user, audit, DisputeForm().reason.data)
    except AuditError as error:
        return refused(error, url_for("audits.inbox"))
    db.session.commit()
    flash("Your dispute has been sent to your team leader.", "info")
    return back(url_for("audits.inbox"))


@bp.route("/<int:audit_id>/resolve", methods=["POST"])
@roles_required("team_leader", "admin")
def resolve(audit_id):
    audit = get_audit(current_user, audit_id)
    try:
        disputes.resolve(current_user, audit, request.form.get("resolution"))
    except AuditError as error:
        return refused(error, url_for("audits.inbox"))
    db.session.commit()
    flash(f"Dispute {audit.resolution}.", "info")
    return back(url_for("audits.inbox"))
