"""Settings pages of coaches and team leaders: the saved replies library and vacations."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required
from helpdesk.extensions import db
from helpdesk.inbox import bp
from helpdesk.inbox.coverage import VacationError, add_vacation, delete_vacation, vacations_of
from helpdesk.inbox.saved_replies import (
    KINDS,
    VARIABLES,
    SavedReplyError,
    create_saved_reply,
    own_saved_reply,
    update_saved_reply,
    visible_saved_replies,
)
from helpdesk.types import utcnow

SETTINGS_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)


def _form_reply():
    f = request.form
    return f.get("title"), f.get("body"), f.get("kind", "reply"), f.get("shared") in ("on", "1", "true")


@bp.route("/saved-replies", methods=["GET", "POST"])
@roles_required(*SETTINGS_ROLES)
def saved_replies():
    if request.method == "POST":
        try:
            create_saved_reply(current_user, *_form_reply())
        except SavedReplyError as exc:
            flash(str(exc), "error")
            return render_template("inbox/saved_replies.html", replies=_replies(), kinds=KINDS, variables=VARIABLES,
                                   form=request.form), 400
        db.session.commit()
        flash("Saved.", "info")
        return redirect(url_for("inbox.saved_replies"))
    return render_template("inbox/saved_replies.html", replies=_replies(), kinds=KINDS, variables=VARIABLES,
                           form={})


def _replies():
    return db.session.scalars(visible_saved_replies(current_user)).all()


@bp.route("/saved-replies/<int:reply_id>", methods=["POST"])
@roles_required(*SETTINGS_ROLES)
def edit_saved_reply(reply_id):
    reply = own_saved_reply(current_user, reply_id)
    if reply is None:
        abort(404)
    try:
        update_saved_reply(reply, *_form_reply())
    except SavedReplyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("inbox.saved_replies"))
    db.session.commit()
    flash("Updated.", "info")
    return redirect(url_for("inbox.saved_replies"))


@bp.route("/saved-replies/<int:reply_id>/delete", methods=["POST"])
@roles_required(*SETTINGS_ROLES)
def delete_saved_reply(reply_id):
    reply = own_saved_reply(current_user, reply_id)
    if reply is None:
        abort(404)
    db.session.delete(reply)
    db.session.commit()
    flash("Deleted.", "info")
    return redirect(url_for("inbox.saved_replies"))


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/settings/vacations", methods=["GET", "POST"])
@roles_required(*SETTINGS_ROLES)
def vacations():
    if request.method == "POST":
        starts_on, ends_on = parse_day(request.form.get("starts_on")), parse_day(request.form.get("ends_on"))
        try:
            add_vacation(current_user, starts_on, ends_on)
        except VacationError as exc:
            flash(str(exc), "error")
            return render_template("inbox/vacations.html", vacations=vacations_of(current_user),
                                   today=utcnow().date(), form=request.form), 400
        db.session.commit()
        flash("Vacation scheduled.", "info")
        return redirect(url_for("inbox.vacations"))
    return render_template("inbox/vacations.html", vacations=vacations_of(current_user), today=utcnow().date(),
                           form={})


@bp.route("/settings/vacations/<int:vacation_id>/delete", methods=["POST"])
@roles_required(*SETTINGS_ROLES)
def delete_vacation_route(vacation_id):
    if not delete_vacation(current_user, vacation_id):
        abort(404)
    db.session.commit()
    flash("Vacation deleted.", "info")
    return redirect(url_for("inbox.vacations"))
