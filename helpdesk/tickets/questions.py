"""'Ask my team leader first': a coach's question, answered in place or escalated into a ticket in one click."""

from datetime import datetime

from sqlalchemy import select, update

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.notifications.services import notify
from helpdesk.tickets.access import TicketError, ticket_visible_to
from helpdesk.tickets.models import Question, Ticket, TicketAttachment
from helpdesk.types import utcnow


def question_visible_to(user: User, question: Question | None) -> bool:
    """The asking coach and the team leader asked see a question; once escalated, so does everyone who may
    see its ticket (it is where the ticket came from)."""
    if question is None or not user.is_authenticated:
        return False
    if user.id in (question.asker_id, question.leader_id):
        return True
    return question.ticket is not None and ticket_visible_to(user, question.ticket)


def questions_for(user: User, status: str | None = None):
    """A select of the questions `user` asked or was asked, newest first."""
    stmt = select(Question).where((Question.asker_id == user.id) | (Question.leader_id == user.id))
    if status:
        stmt = stmt.where(Question.status == status)
    return stmt.order_by(Question.created_at.desc(), Question.id.desc())


def ask(user: User, body: str | None, now: datetime | None = None) -> Question:
    """A coach asks their team leader whether something warrants a ticket; the team leader is told."""
    if user.role != Role.COACH.value:
        raise TicketError(403, "Only coaches ask their team leader.")
    if user.reports_to_id is None:
        raise TicketError(422, "You have no team leader to ask; file a ticket instead.", field="body")
    body = (body or "").strip()
    if not body:
        raise TicketError(422, "Write your question.", field="body")
    if len(body) > 10000:
        raise TicketError(422, "Keep it under 10,000 characters.", field="body")
    now = now or utcnow()
    question = Question(asker_id=user.id, leader_id=user.reports_to_id, body=body, status="open", created_at=now)
    db.session.add(question)
    db.session.flush()
    notify(user.reports_to_id, "ticket_question", f"{user.name} asks: {body[:80]}", link=f"/questions/{question.id}",
           dedupe_key=f"question-{question.id}")
    return question


def _own_leader_or_404(user: User, question: Question | None) -> Question:
    # Anyone but the asking coach's own team leader is told nothing exists (404), not that they may not.
    if question is None or user.role != Role.TEAM_LEADER.value or question.leader_id != user.id:
        raise TicketError(404, "No such question.")
    return question


def _settle(question: Question, to: str, now: datetime, **values) -> None:
    """Move an open question to `to`, once: a conditional UPDATE, so answer and escalate never both win."""
    done = db.session.execute(update(Question).where(Question.id == question.id, Question.status == "open")
                              .values(status=to, answered_at=now, **values).returning(Question.id)
                              .execution_options(synchronize_session=False)).first()
    db.session.expire(question)
    if done is None:
        raise TicketError(409, "This question was already answered or escalated.")


def answer(user: User, question: Question | None, text: str | None, now: datetime | None = None) -> Question:
    """The team leader answers in place; the coach is told."""
    question = _own_leader_or_404(user, question)
    text = (text or "").strip()
    if not text:
        raise TicketError(422, "Write the answer.", field="answer")
    now = now or utcnow()
    _settle(question, "answered", now, answer=text[:10000])
    notify(question.asker_id, "question_answered", f"{user.name} answered your question.",
           link=f"/questions/{question.id}")
    return question


def escalate(user: User, question: Question | None, now: datetime | None = None) -> Ticket:
    """Turn the question into a ticket for support: its text, who/what/where/when drafted from it, its
    attachments carried over, the question linked to the ticket."""
    from helpdesk.tickets.services import file_ticket

    question = _own_leader_or_404(user, question)
    now = now or utcnow()
    _settle(question, "escalated", now)
    coach = question.asker
    ticket = file_ticket(coach, who=coach.name, what=question.body, where=f"/questions/{question.id}",
                         when=question.created_at, now=now, who_ids=[coach.id], question_id=question.id)
    question.ticket_id = ticket.id
    db.session.execute(update(TicketAttachment).where(TicketAttachment.question_id == question.id)
                       .values(ticket_id=ticket.id).execution_options(synchronize_session=False))
    notify(coach.id, "question_escalated", f"{user.name} turned your question into ticket #{ticket.id}.",
           link=f"/tickets/{ticket.id}")
    db.session.flush()
    db.session.expire(ticket, ["attachments"])
    return ticket
