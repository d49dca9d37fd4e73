"""The desk's quick moves: the next waiting thread, and team leaders' bulk actions."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.inbox import bp
from helpdesk.inbox.bulk import ACTIONS, bulk_mark_read, bulk_reassign, next_waiting
from helpdesk.limits import MAX_ID


def _ids(name: str) -> list[int]:
    return [int(x) for x in request.form.getlist(name) if x.isdigit() and int(x) <= MAX_ID]


@bp.route("/inbox/next")
@roles_required(Role.COACH.value, Role.TEAM_LEADER.value)
def next_waiting_thread():
    """Open the thread that has waited longest (shortcut n), skipping `after` (the one just answered)."""
    after = request.args.get("after", "")
    thread = next_waiting(current_user, int(after) if after.isdigit() and int(after) <= MAX_ID else None)
    if thread is None:
        flash("Nothing else is waiting for an answer.", "info")
        return redirect(url_for("inbox.index", view="waiting"))
    return redirect(url_for("inbox.thread", thread_id=thread.id))


@bp.route("/inbox/bulk", methods=["POST"])
@roles_required(Role.TEAM_LEADER.value)
def bulk():
    """Mark the ticked threads read, or give their clients another coach; all or nothing."""
    action, back = request.form.get("action"), redirect(request.referrer or url_for("inbox.index"))
    if action not in ACTIONS:
        raise Refusal(422, "Choose mark read or reassign.", field="action")
    if action == "mark_read":
        n = bulk_mark_read(current_user, _ids("thread_ids"))
        db.session.commit()
        flash(f"{n} thread{'s' if n != 1 else ''} marked read.", "info")
        return back
    coach_ids = _ids("coach_id")
    results = bulk_reassign(current_user, _ids("thread_ids"), coach_ids[0] if coach_ids else None)
    db.session.commit()
    moved = [r["client"] for r in results if r["result"] == "reassigned"]
    kept = [r["client"] for r in results if r["result"] == "already"]
    flash(" ".join(filter(None, (
        f"Reassigned {len(moved)} client{'s' if len(moved) != 1 else ''} ({', '.join(moved)})." if moved else "",
        f"Already with that coach: {', '.join(kept)}." if kept else ""))), "info")
    return back
