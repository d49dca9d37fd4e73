"""The demo's tickets: every status, questions answered and escalated, a merged pair, an overdue ticket and
screenshots, dated relative to the day it is loaded."""

from datetime import timedelta

from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.demo.loader import load_demo
from helpdesk.extensions import db
from helpdesk.tickets import clocks
from helpdesk.tickets.models import STATUSES, Question, Ticket, TicketAttachment, TicketEvent
from helpdesk.types import utcnow


def test_the_demo_has_a_ticket_of_every_kind():
    now = utcnow()
    load_demo(seed=5, scale=0.07, now=now)
    coach = db.session.scalar(select(User).where(User.external_id == "demo-coach"))
    statuses = set(db.session.scalars(select(Ticket.status).where(Ticket.reporter_id == coach.id)))
    assert statuses == set(STATUSES)
    assert set(db.session.scalars(select(Question.status))) == {"open", "answered", "escalated"}
    escalated = db.session.scalar(select(Question).where(Question.status == "escalated"))
    assert escalated.ticket.attachments and escalated.ticket.what == escalated.body
    merged = db.session.scalar(select(Ticket).where(Ticket.merged_into_id.is_not(None)))
    assert merged.status == "closed" and merged.merged_into.status != "closed"
    assert db.session.scalar(select(func.count()).select_from(Ticket).where(clocks.overdue_condition(now))) >= 1
    assert db.session.scalar(select(func.count()).select_from(TicketAttachment)) >= 3
    assert db.session.scalar(select(func.max(Ticket.created_at))) <= now
    assert db.session.scalar(select(func.min(Ticket.created_at))) >= now - timedelta(days=30)
    # every ticket's timeline starts at 'new' and ends at its status
    for ticket in db.session.scalars(select(Ticket)):
        events = db.session.scalars(select(TicketEvent.to_status).where(TicketEvent.ticket_id == ticket.id)
                                    .order_by(TicketEvent.at, TicketEvent.id)).all()
        assert events[0] == "new" and events[-1] == ticket.status, (ticket.id, events)
