"""'Ask my team leader first' pages: ask, the question page, answer in place, escalate in one click."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.tickets import attachments, bp, questions
from helpdesk.tickets.access import TICKET_ROLES, TicketError, label, row_or_none
from helpdesk.tickets.forms import AnswerForm, QuestionForm
from helpdesk.tickets.models import Question, TicketAttachment

ASKING_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value)


def _question_or_404(question_id: int) -> Question:
    question = row_or_none(Question, question_id)
    return visible_or_404(question, questions.question_visible_to(signed_in_user(), question))


@bp.route("/questions")
@roles_required(*ASKING_ROLES)
def question_list():
    rows = db.session.scalars(questions.questions_for(signed_in_user()).options(selectinload(Question.asker))
                              .limit(200)).all()
    return render_template("tickets/questions.html", questions=rows, label=label)


@bp.route("/questions/new", methods=["GET", "POST"])
@roles_required(Role.COACH.value)
def ask():
    form, me = QuestionForm(), signed_in_user()
    if form.is_submitted():
        chosen = [s for s in (form.screenshots.data or []) if s and s.filename]
        try:
            files = attachments.read_uploads(chosen)
            attachments.check_images(files)
            question = questions.ask(me, form.body.data)
            attachments.add_to_question(me, question, files)
        except TicketError as exc:
            form.body.errors = [str(exc)]
            return render_template("tickets/ask.html", form=form,
                                   files_again="Choose your screenshots again." if chosen else None), 400
        db.session.commit()
        flash("Your team leader has your question.", "info")
        return redirect(url_for("tickets.question", question_id=question.id))
    return render_template("tickets/ask.html", form=form)


@bp.route("/questions/<int:question_id>")
@roles_required(*TICKET_ROLES)
def question(question_id):
    q = _question_or_404(question_id)
    return render_template("tickets/question.html", q=q, form=AnswerForm(formdata=None), label=label,
                           can_settle=q.leader_id == signed_in_user().id and q.status == "open")


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
@roles_required(Role.TEAM_LEADER.value)
def answer(question_id):
    form = AnswerForm()
    questions.answer(signed_in_user(), row_or_none(Question, question_id), form.answer.data)
    db.session.commit()
    flash("Answered; the coach has been told.", "info")
    return redirect(url_for("tickets.question", question_id=question_id))


@bp.route("/questions/<int:question_id>/escalate", methods=["POST"])
@roles_required(Role.TEAM_LEADER.value)
def escalate(question_id):
    ticket = questions.escalate(signed_in_user(), row_or_none(Question, question_id))
    db.session.commit()
    flash(f"Ticket #{ticket.id} filed from the question; triage it below.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id))


@bp.route("/questions/<int:question_id>/attachments/<int:attachment_id>")
@roles_required(*TICKET_ROLES)
def question_attachment(question_id, attachment_id):
    q = _question_or_404(question_id)
    row = row_or_none(TicketAttachment, attachment_id)
    visible_or_404(row, row is not None and row.question_id == q.id)
    return attachments.download(row)
