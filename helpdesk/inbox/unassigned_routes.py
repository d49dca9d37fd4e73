"""The unassigned queue's page (GET /unassigned): team leaders and admins pick a coach for each client."""

from flask import current_app, render_template

from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.clients.assignments import QUEUE_ROLES, assignable_coaches
from helpdesk.extensions import db
from helpdesk.inbox import bp
from helpdesk.inbox.unassigned import unassigned_clients, waiting_threads_of
from helpdesk.types import utcnow


@bp.route("/unassigned")
@roles_required(*QUEUE_ROLES)
def unassigned():
    """The clients with no coach, oldest open wait first, with their waiting threads and a coach to choose."""
    page = db.paginate(unassigned_clients(signed_in_user()), per_page=50)
    rows = list(page.items)
    waits = waiting_threads_of([c.id for c in rows])
    coaches = db.session.scalars(assignable_coaches(signed_in_user())).all()
    return render_template("clients/unassigned.html", page=page, clients=rows, waits=waits, coaches=coaches,
                           wait_badge=_wait_badge)


def _wait_badge(since) -> str:
    """Calm under the target, amber past it, red past the SLA (metrics.md section 3)."""
    hours = (utcnow() - since).total_seconds() / 3600
    if hours > current_app.config["SLA_HOURS"]:
        return "badge-red"
    return "badge-amber" if hours > current_app.config["TARGET_HOURS"] else "badge-calm"
