"""Pages: calibration items, independent reviews and auditors' agreement rates."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from helpdesk.audits.routes import back, refused
from helpdesk.audits.services import AuditError, get_message, thread_link
from helpdesk.auth.permissions import roles_required
from helpdesk.calibration import bp
from helpdesk.calibration import services as calibration
from helpdesk.calibration.forms import MarkCalibrationForm, ReviewForm
from helpdesk.extensions import db
from helpdesk.periods import current_month, month_bounds_or_none


@bp.route("/calibration", endpoint="index")
@roles_required("auditor", "team_leader", "admin")
def calibration_page():
    """The items the caller may see, their review forms, and the month's agreement rates."""
    month = request.args.get("month") or current_month()
    bounds = month_bounds_or_none(month)
    if bounds is None:
        flash("Month: use the form YYYY-MM.", "error")
        month = current_month()
        bounds = month_bounds_or_none(month)
    views = [calibration.item_view(current_user, item) for item in calibration.items(current_user)]
    return render_template("calibration/index.html", views=views, month=month,
                           rates=calibration.agreement_rates(*bounds), mark_form=MarkCalibrationForm(),
                           candidates=calibration.candidates(current_user)
                           if current_user.role in ("team_leader", "admin") else [],
                           review_form=ReviewForm(), thread_link=thread_link)


@bp.route("/calibration/mark", methods=["POST"], endpoint="mark")
@roles_required("team_leader", "admin")
def calibration_mark():
    """A team leader or admin marks a coach reply for calibration."""
    try:
        message_id = int(request.form.get("message_id") or "")
    except ValueError:
        flash("Message id: give the number of a coach's reply.", "error")
        return back(url_for("calibration.index"))
    message = get_message(current_user, message_id)
    try:
        calibration.mark(current_user, message, request.form.get("reviewers_needed") or 3)
    except AuditError as error:
        return refused(error, url_for("calibration.index"))
    db.session.commit()
    flash("Marked for calibration: auditors will review it independently.", "info")
    return back(url_for("calibration.index"))


@bp.route("/calibration/<int:item_id>/review", methods=["POST"], endpoint="review")
@roles_required("auditor")
def calibration_review(item_id):
    """An auditor's independent review of one item."""
    item = calibration.get_item(current_user, item_id)
    form = ReviewForm()
    try:
        calibration.review(current_user, item, form.color.data, form.comment.data)
    except AuditError as error:
        return refused(error, url_for("calibration.index"))
    db.session.commit()
    return redirect(url_for("calibration.index"))
