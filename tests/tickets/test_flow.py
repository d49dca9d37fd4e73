"""The status flow: moves per role (409 / 403), the timeline, reopening on the coach's reply, auto-close."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets import flow, services
from helpdesk.tickets.access import TicketError
from helpdesk.tickets.models import Ticket, TicketEvent
from helpdesk.types import utcnow


def _kinds(user):
    return db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)).all()


def _to(ticket, *steps):
    """Walk `ticket` through (user, status) steps."""
    for user, status in steps:
        services.update_ticket(user, ticket, {"status": status})


def test_every_move_is_on_the_timeline_with_who_when_from_to(desk, ticket):
    _to(ticket, (desk.lea, "triaged"), (desk.sue, "in_progress"), (desk.sue, "waiting_on_coach"))
    rows = db.session.execute(select(TicketEvent.actor_id, TicketEvent.from_status, TicketEvent.to_status)
                              .where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
    assert rows == [(desk.ann.id, None, "new"), (desk.lea.id, "new", "triaged"), (desk.sue.id, "triaged", "in_progress"),
                    (desk.sue.id, "in_progress", "waiting_on_coach")]
    assert all(e.at is not None for e in ticket.events)


@pytest.mark.parametrize("role, start, to, expected", [
    ("lea", "new", "triaged", None), ("sue", "new", "triaged", 409), ("ann", "new", "triaged", 403),
    ("bob", "new", "triaged", 403), ("admin", "new", "closed", None), ("sue", "triaged", "in_progress", None),
    ("lea", "new", "resolved", 409), ("sue", "in_progress", "waiting_on_coach", None),
    ("ann", "in_progress", "resolved", 403), ("ann", "resolved", "closed", None),
    ("ann", "resolved", "in_progress", None), ("sue", "closed", "in_progress", 409),
])
def test_moves_per_role(desk, ticket, role, start, to, expected):
    path = {"new": [], "triaged": ["triaged"], "in_progress": ["triaged", "in_progress"],
            "resolved": ["triaged", "in_progress", "resolved"], "closed": ["closed"]}[start]
    _to(ticket, *[(desk.admin, s) for s in path])
    user = getattr(desk, role)
    if expected is None:
        services.update_ticket(user, ticket, {"status": to})
        assert ticket.status == to
    else:
        with pytest.raises(TicketError) as exc:
            services.update_ticket(user, ticket, {"status": to})
        assert exc.value.status == expected
        assert db.session.get(Ticket, ticket.id).status == start


def test_api_patch_answers_409_for_a_move_that_is_not_allowed(client, api_headers, desk, ticket):
    url = f"/api/v1/tickets/{ticket.id}"
    r = client.patch(url, json={"status": "triaged"}, headers=api_headers(desk.sue))
    assert r.status_code == 409 and "status" in r.get_json()["errors"]["json"]
    r = client.patch(url, json={"status": "triaged", "category": "billing", "priority": "high"},
                     headers=api_headers(desk.lea))
    body = r.get_json()
    assert r.status_code == 200 and (body["status"], body["category"]) == ("triaged", "billing")
    assert [(e["from_status"], e["to_status"]) for e in body["timeline"]] == [(None, "new"), ("new", "triaged")]


def test_a_stale_writer_gets_409_and_the_ticket_moves_once(desk, ticket):
    """A second writer still holding the ticket as new: the conditional update refuses its move."""
    services.update_ticket(desk.lea, ticket, {"status": "triaged"})
    set_committed_value(ticket, "status", "new")  # what the other writer read before the first one moved it
    with pytest.raises(TicketError) as exc:
        services.update_ticket(desk.admin, ticket, {"status": "closed"})
    assert exc.value.status == 409
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    assert fresh.status == "triaged" and [e.to_status for e in fresh.events] == ["new", "triaged"]


def test_coach_reply_reopens_a_ticket_waiting_on_them_and_tells_the_assignee(desk, ticket):
    services.update_ticket(desk.lea, ticket, {"status": "triaged", "assignee_id": desk.sue.id})
    _to(ticket, (desk.sue, "in_progress"), (desk.sue, "waiting_on_coach"))
    services.add_note(desk.ann, ticket, "Here is the order number: 1234")
    assert ticket.status == "in_progress"
    assert "ticket_reopened" in _kinds(desk.sue)
    assert [e.to_status for e in ticket.events][-1] == "in_progress"


def test_coach_reply_reopens_resolved_within_7_days_only(desk, ticket):
    now = utcnow()
    _to(ticket, (desk.lea, "triaged"), (desk.sue, "in_progress"))
    flow.move(ticket, "resolved", desk.sue, now - timedelta(days=6, hours=23))
    services.add_note(desk.ann, ticket, "Still broken", now=now)
    assert ticket.status == "in_progress"
    flow.move(ticket, "resolved", desk.sue, now - timedelta(days=7, minutes=1))
    services.add_note(desk.ann, ticket, "And again", now=now)
    assert ticket.status == "resolved"


def test_staff_reply_does_not_reopen(desk, ticket):
    _to(ticket, (desk.lea, "triaged"), (desk.sue, "in_progress"), (desk.sue, "waiting_on_coach"))
    services.add_note(desk.sue, ticket, "Any news?")
    assert ticket.status == "waiting_on_coach"


def test_resolved_tickets_close_by_themselves_after_7_days_once(desk, ticket):
    now = utcnow()
    _to(ticket, (desk.lea, "triaged"), (desk.sue, "in_progress"), (desk.sue, "resolved"))
    assert flow.close_stale_resolved(now + timedelta(days=6, hours=23)) == 0
    assert ticket.status == "resolved"
    later = now + timedelta(days=7, minutes=1)  # the clock set forward
    assert flow.close_stale_resolved(later) == 1
    assert flow.close_stale_resolved(later) == 0  # idempotent
    db.session.expire_all()
    closed = db.session.get(Ticket, ticket.id)
    assert (closed.status, closed.closed_at) == ("closed", later)
    last = closed.events[-1]
    assert (last.actor_id, last.from_status, last.to_status) == (None, "resolved", "closed")
    assert sum(e.to_status == "closed" for e in closed.events) == 1


def test_auto_close_job_is_declared_and_runs(app, desk, ticket):
    from helpdesk.jobs import resolve
    from helpdesk.schedule import SCHEDULE

    entry = next(e for e in SCHEDULE if e.name == "tickets-auto-close")
    assert resolve(entry.job).__name__ == "close_stale_resolved"
    _to(ticket, (desk.lea, "triaged"), (desk.sue, "in_progress"), (desk.sue, "resolved"))
    result = resolve(entry.job)((utcnow() + timedelta(days=8)).isoformat())
    assert result == {"closed": 1}
    assert db.session.get(Ticket, ticket.id).status == "closed"


def test_support_takes_from_the_pool_once(desk, ticket, create_user):
    other = create_user("support", name="Sam")
    services.update_ticket(desk.lea, ticket, {"status": "triaged"})
    services.take(desk.sue, ticket)
    assert (ticket.assignee_id, ticket.status) == (desk.sue.id, "in_progress")
    with pytest.raises(TicketError) as exc:
        services.take(other, ticket)
    assert exc.value.status == 409
    with pytest.raises(TicketError) as exc:
        services.take(desk.lea, ticket)
    assert exc.value.status == 403


def test_a_team_leader_triages_a_ticket_they_filed_themselves(desk):
    own = services.file_ticket(desk.lea, "Kim", "The team page is slow", "/team")
    services.update_ticket(desk.lea, own, {"status": "triaged", "assignee_id": desk.sue.id})
    assert own.status == "triaged"
    with pytest.raises(TicketError) as exc:
        services.update_ticket(desk.tom, own, {"status": "in_progress"})  # not his team's, not assigned to him
    assert exc.value.status == 403
