"""API of 'ask my team leader first': ask, answer in place, escalate into a ticket (on the tickets `blp`)."""

from flask import request

from helpdesk.auth.models import ROLES, Role
from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.tickets import attachments, questions, views
from helpdesk.tickets.access import row_or_none
from helpdesk.tickets.api import blp
from helpdesk.tickets.models import Question
from helpdesk.tickets.schemas import AnswerInSchema, QuestionInSchema, QuestionSchema, TicketSchema


@blp.route("/questions", methods=["POST"])
@roles_required(Role.COACH.value)
@blp.doc(requestBody={"content": {
    "application/json": {"schema": QuestionInSchema},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "body": {"type": "string"}, "screenshots": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}})
@blp.response(201, QuestionSchema)
def ask():
    """A coach asks their team leader whether something warrants a ticket (JSON, or multipart with screenshots)."""
    if request.mimetype == "multipart/form-data":
        body, files = request.form.get("body"), attachments.read_uploads(request.files.getlist("screenshots"))
    else:
        payload = request.get_json(silent=True)
        body, files = (payload or {}).get("body") if isinstance(payload, dict) else None, []
    attachments.check_images(files)  # before the question exists: a refused upload stores nothing
    question = questions.ask(signed_in_user(), body if isinstance(body, str) else None)
    attachments.add_to_question(signed_in_user(), question, files)
    db.session.commit()
    return question


@blp.route("/questions/<int:question_id>", methods=["GET"])
@roles_required(*ROLES)
@blp.response(200, QuestionSchema)
def show_question(question_id):
    """One question, for the coach who asked it, the team leader asked, and (once escalated) whoever sees
    its ticket."""
    question = row_or_none(Question, question_id)
    return visible_or_404(question, questions.question_visible_to(signed_in_user(), question))


@blp.route("/questions/<int:question_id>/answer", methods=["POST"])
@roles_required(*ROLES)  # anyone but the asking coach's own team leader gets the service's 404
@blp.arguments(AnswerInSchema)
@blp.response(200, QuestionSchema)
def answer(data, question_id):
    """The asking coach's own team leader answers in place (anyone else: 404)."""
    question = questions.answer(signed_in_user(), row_or_none(Question, question_id), data["answer"])
    db.session.commit()
    return question


@blp.route("/questions/<int:question_id>/escalate", methods=["POST"])
@roles_required(*ROLES)  # anyone but the asking coach's own team leader gets the service's 404
@blp.response(201, TicketSchema)
def escalate(question_id):
    """The asking coach's own team leader turns the question into a ticket (anyone else: 404)."""
    ticket = questions.escalate(signed_in_user(), row_or_none(Question, question_id))
    db.session.commit()
    return views.detail(signed_in_user(), ticket)
