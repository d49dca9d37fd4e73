from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpdesk.clients import assignments
from helpdesk.clients.coach_at import coach_at
from helpdesk.clients.feedback import Refused
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.inbox.unassigned import unassigned_clients, waiting_threads_of
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow


def _history(client):
    return db.session.execute(
        select(Assignment.coach_id, Assignment.starts_at, Assignment.ends_at)
        .where(Assignment.client_id == client.id).order_by(Assignment.starts_at)
    ).all()


def test_queue_lists_clients_without_a_coach_oldest_wait_first(desk, create_client, create_thread, assign):
    d = desk
    now = utcnow()
    vic = create_client(name="Vic")
    pat = create_client(name="Pat")
    gone = create_client(name="Gone")  # had a coach whose assignment ended: unassigned again
    assign(gone, d.ann, starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=1))
    create_thread(vic, "Fees?", waiting_since=now - timedelta(hours=2))
    create_thread(pat, "Payout", waiting_since=now - timedelta(hours=30))
    create_thread(pat, "Answered already")  # not waiting
    create_thread(d.kim, "Kim has a coach", waiting_since=now - timedelta(hours=50))
    clients = db.session.scalars(unassigned_clients(d.lea)).all()
    # Pat waits 30 h, Vic 2 h; Una and Gone are not waiting and come after, oldest account first
    assert [c.name for c in clients] == ["Pat", "Vic", "Una", "Gone"]
    waits = waiting_threads_of([c.id for c in clients])
    assert [t.subject for t in waits[pat.id]] == ["Payout"]
    assert waits[d.una.id] == []


def test_only_leaders_and_admins_work_the_queue(desk):
    with pytest.raises(PermissionError):
        unassigned_clients(desk.ann)


def test_assign_creates_an_open_assignment_and_notifies_the_coach(desk):
    d = desk
    at = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    assignments.assign_coach(d.lea, d.una, d.bob, at=at)
    assert _history(d.una) == [(d.bob.id, at, None)]
    assert coach_at(d.una, at) == d.bob
    note = db.session.scalar(select(Notification).where(Notification.user_id == d.bob.id))
    assert note.text == "Una is now your client."
    note = db.session.scalar(select(Notification).where(Notification.user_id == d.una.id))
    assert note.text == "Bob is now your coach."


def test_reassigning_ends_the_previous_assignment_at_the_same_instant(desk):
    d = desk
    first = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
    second = datetime(2026, 10, 7, 15, 30, tzinfo=UTC)
    assignments.assign_coach(d.lea, d.una, d.bob, at=first)
    assignments.assign_coach(d.lea, d.una, d.ann, at=second)
    assert _history(d.una) == [(d.bob.id, first, second), (d.ann.id, second, None)]
    assert coach_at(d.una, second - timedelta(microseconds=1)) == d.bob
    assert coach_at(d.una, second) == d.ann


def test_reassigning_a_client_assigned_since_2020(desk):
    d = desk
    at = utcnow()
    assignments.assign_coach(d.lea, d.kim, d.bob, at=at)
    history = _history(d.kim)
    assert [(h.coach_id, h.ends_at) for h in history] == [(d.ann.id, at), (d.bob.id, None)]


def test_team_leader_assigns_only_their_own_coaches_and_clients(desk):
    d = desk
    with pytest.raises(ValueError, match="your team"):
        assignments.assign_coach(d.lea, d.una, d.cal)
    with pytest.raises(LookupError):
        assignments.assign_coach(d.lea, d.zoe, d.ann)  # Tom's team's client
    with pytest.raises(LookupError):
        assignments.assign_coach(d.ann, d.una, d.ann)  # coaches do not assign
    with pytest.raises(ValueError):
        assignments.assign_coach(d.lea, d.una, d.kim)  # not a coach
    assert _history(d.una) == []


def test_admin_assigns_any_coach(desk):
    d = desk
    assignments.assign_coach(d.admin, d.una, d.cal)
    assert coach_at(d.una) == d.cal


def test_assigning_the_current_coach_again_is_refused(desk):
    with pytest.raises(Refused, match="already assigned to Ann"):
        assignments.assign_coach(desk.lea, desk.kim, desk.ann)
    assert len(_history(desk.kim)) == 1


def test_a_scheduled_later_assignment_is_not_overlapped(desk, assign):
    d = desk
    later = utcnow() + timedelta(days=3)
    assign(d.una, d.ann, starts_at=later)
    with pytest.raises(Refused, match="already has an assignment starting"):
        assignments.assign_coach(d.lea, d.una, d.bob)
    assert _history(d.una) == [(d.ann.id, later, None)]


def test_assignment_notifications_link_to_pages_outside_a_request(app, desk):
    """Assignments also come from the CLI and jobs, where there is no request to build URLs from."""
    from flask import has_request_context

    assert not has_request_context()
    assignments.assign_coach(desk.lea, desk.una, desk.bob)
    links = db.session.scalars(select(Notification.link).where(Notification.user_id.in_([desk.bob.id, desk.una.id])))
    assert all(link is None or link.startswith("/") for link in links)
