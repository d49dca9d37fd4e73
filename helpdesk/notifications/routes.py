from flask import redirect, render_template, url_for
from flask_login import current_user

from helpdesk.auth.permissions import login_required
from helpdesk.extensions import db
from helpdesk.notifications import bp, services
from helpdesk.notifications.models import Notification


@bp.route("/")
@login_required
def index():
    return render_template("notifications/index.html", notifications=services.recent(current_user.id))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id):
    """Mark one read and follow its link."""
    note = db.session.get(Notification, notification_id) if notification_id < 2**31 else None
    if note is None or note.user_id != current_user.id:
        return redirect(url_for("notifications.index"))
    services.mark_read(current_user.id, notification_id)
    db.session.commit()
    return redirect(note.link or url_for("notifications.index"))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    services.mark_read(current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index"))
