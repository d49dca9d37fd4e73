"""Ticket rules: visibility, transitions, assignees, notifications."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets import services
from helpdesk.tickets.services import TicketError
from helpdesk.types import utcnow


def _notes_of(user):
    return db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)).all()


def test_visibility_per_role(desk, ticket):
    see = {u.name: services.ticket_visible_to(u, ticket) for u in (desk.ann, desk.bob, desk.cal, desk.lea, desk.tom,
                                                                  desk.sue, desk.admin, desk.auditor)}
    assert see == {"Ann": True, "Bob": False, "Cal": False, "Lea": True, "Tom": False, "Sue": True,
                   desk.admin.name: True, desk.auditor.name: False}
    for user, expected in ((desk.bob, []), (desk.lea, [ticket]), (desk.tom, []), (desk.sue, [ticket])):
        assert db.session.scalars(services.ticket_list(user)).all() == expected


def test_new_ticket_defaults_and_team_leader_is_told(desk):
    before = utcnow()
    t = services.file_ticket(desk.ann, "Kim", "Cannot upload photo", "Marketplace > New listing",
                             client_id=desk.kim.id, note="Tried twice")
    assert (t.status, t.priority, t.client_id) == ("new", "normal", desk.kim.id)  # issue 13 renamed open
    assert t.when >= before and [n.body for n in t.notes] == ["Tried twice"]
    assert _notes_of(desk.lea) == ["ticket_new"] and _notes_of(desk.tom) == []


def test_filing_refuses_missing_fields_foreign_clients_and_future_times(desk, create_client):
    with pytest.raises(TicketError) as exc:
        services.file_ticket(desk.ann, "Kim", "  ", "Payouts")
    assert exc.value.field == "what"
    other = create_client(coach=desk.bob)
    with pytest.raises(TicketError) as exc:
        services.file_ticket(desk.ann, "Joe", "x", "y", client_id=other.id)
    assert exc.value.field == "client_id"
    with pytest.raises(TicketError) as exc:
        services.file_ticket(desk.ann, "Kim", "x", "y", when=utcnow() + timedelta(days=1))
    assert exc.value.field == "when"


def test_triage_walks_the_statuses_and_tells_the_reporter(desk, ticket):
    for status in ("triaged", "in_progress", "resolved"):
        services.update_ticket(desk.lea, ticket, {"status": status})
    assert ticket.status == "resolved"
    assert _notes_of(desk.ann).count("ticket_status") == 3
    services.update_ticket(desk.ann, ticket, {"status": "closed"})  # the reporter accepts the fix
    assert ticket.status == "closed"
    assert _notes_of(desk.ann).count("ticket_status") == 3  # not told of their own change


def test_invalid_transition_is_refused_with_a_clear_message(desk, ticket):
    with pytest.raises(TicketError) as exc:
        services.update_ticket(desk.lea, ticket, {"status": "resolved"})
    assert exc.value.status == 409
    assert str(exc.value) == "A new ticket cannot become resolved; it can move to triaged or closed."
    assert ticket.status == "new"


def test_coach_cannot_triage(desk, ticket):
    with pytest.raises(TicketError) as exc:
        services.update_ticket(desk.ann, ticket, {"status": "triaged"})
    assert exc.value.status == 403
    with pytest.raises(TicketError):
        services.update_ticket(desk.ann, ticket, {"priority": "urgent"})


def test_assignee_must_be_support_or_team_leader(desk, ticket):
    with pytest.raises(TicketError) as exc:
        services.update_ticket(desk.lea, ticket, {"assignee_id": desk.bob.id})
    assert exc.value.field == "assignee_id"
    services.update_ticket(desk.lea, ticket, {"assignee_id": desk.sue.id, "priority": "high"})
    assert (ticket.assignee_id, ticket.priority) == (desk.sue.id, "high")
    assert _notes_of(desk.sue) == ["ticket_assigned"]
    # Tom, another team's leader, sees it once it is assigned to him
    services.update_ticket(desk.sue, ticket, {"assignee_id": desk.tom.id})
    assert services.ticket_visible_to(desk.tom, ticket)


def test_list_filters_and_open_work_first(desk):
    now = utcnow()
    old = services.file_ticket(desk.ann, "a", "old", "x", now=now - timedelta(days=3))
    done = services.file_ticket(desk.ann, "a", "done", "x", now=now - timedelta(days=5))
    new = services.file_ticket(desk.bob, "b", "new", "x", priority="urgent", now=now - timedelta(days=1))
    for s in ("triaged", "in_progress", "resolved"):
        services.update_ticket(desk.lea, done, {"status": s})
    assert db.session.scalars(services.ticket_list(desk.lea)).all() == [old, new, done]
    assert db.session.scalars(services.ticket_list(desk.lea, priority="urgent")).all() == [new]
    assert db.session.scalars(services.ticket_list(desk.lea, status="resolved")).all() == [done]
    assert db.session.scalars(services.ticket_list(desk.ann, mine=True)).all() == [old, done]
