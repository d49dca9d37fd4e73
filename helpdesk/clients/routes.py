"""Client pages (rating, survey, privacy) and assigning a coach (the unassigned queue is the inbox's)."""

from flask import abort, flash, redirect, render_template, request, url_for

from helpdesk.auth.models import User
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.clients import assignments, bp, feedback, services
from helpdesk.clients.coach_at import coach_at
from helpdesk.clients.forms import AssignForm, ConsentForm, RatingForm, SurveyForm
from helpdesk.extensions import db
from helpdesk.redirects import safe_next


@bp.app_template_global("client_facts")
def client_facts_global(viewer, client):
    """For templates (the thread's facts panel): the facts `viewer` may see, or None."""
    if viewer is None or client is None or not viewer.is_authenticated:
        return None
    return services.client_facts(viewer, client)


@bp.app_template_global("assignable_coaches")
def assignable_coaches_global(viewer):
    """For templates: the coaches `viewer` may assign a client to (none for other roles)."""
    return db.session.scalars(assignments.assignable_coaches(viewer)).all()


@bp.app_template_filter("money")
def money_filter(value):
    return services.display_money(value) or ""


@bp.route("/me/rating", methods=["GET", "POST"])
@roles_required("client")
def rating():
    coach, current = feedback.current_rating(signed_in_user())
    form = RatingForm(data={"stars": current.stars, "comment": current.comment} if current else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _, created = feedback.rate_coach(signed_in_user(), form.stars.data, form.comment.data)
            except feedback.Refused as exc:
                flash(str(exc), "error")
                return render_template("clients/rating.html", form=form, coach=coach, rating=current), exc.status
            db.session.commit()
            flash("Thank you, your rating is saved." if created else "Your rating is updated.", "info")
            return redirect(url_for("clients.rating"))
        status = 400
    return render_template("clients/rating.html", form=form, coach=coach, rating=current), status


@bp.route("/me/survey", methods=["GET", "POST"])
@roles_required("client")
def survey():
    form = SurveyForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                feedback.answer_survey(signed_in_user(), form.score.data)
            except feedback.Refused as exc:
                db.session.rollback()
                flash(str(exc), "error")
                status = exc.status
            else:
                db.session.commit()
                flash("Thank you, your answer is saved.", "info")
                return redirect(url_for("clients.survey"))
        else:
            status = 400
    answered = feedback.survey_answer_this_month(signed_in_user())
    next_opens = feedback.month_bounds(answered.at)[1] if answered else None
    return render_template("clients/survey.html", form=form, answered=answered, next_opens=next_opens,
                           question=feedback.SURVEY_QUESTION), status


@bp.route("/me/privacy", methods=["GET", "POST"])
@roles_required("client")
def settings():
    form = ConsentForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash("Choose whether your coach may see your balance.", "error")
            return render_template("clients/settings.html", form=form), 400
        granted = form.granted.data == "yes"
        feedback.set_balance_consent(signed_in_user(), granted)
        db.session.commit()
        flash("Your coach can now see your balance." if granted else "Your coach can no longer see your balance.",
              "info")
        return redirect(url_for("clients.settings"))
    return render_template("clients/settings.html", form=form)


@bp.route("/clients/<int:client_id>/assign", methods=["POST"])
@roles_required("team_leader", "admin")
def assign(client_id):
    client = db.session.get(User, client_id)
    form = AssignForm()
    if client is None or not services.client_visible_to(signed_in_user(), client):
        abort(404)
    back = safe_next(request.form.get("next")) or url_for("inbox.unassigned")
    if not form.validate_on_submit():
        flash("Choose a coach.", "error")
        return redirect(back)
    try:
        assignments.assign_coach(signed_in_user(), client, db.session.get(User, form.coach_id.data))
    except LookupError:
        abort(404)
    except (ValueError, feedback.Refused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(f"{client.name} is now assigned to {coach_at(client).name}.", "info")
    return redirect(back)
