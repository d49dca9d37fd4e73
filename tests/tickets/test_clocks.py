"""Response clocks: first response and resolution times, the 24 h warning (once), overdue in the queues,
monthly medians."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets import clocks, flow, services
from helpdesk.types import utcnow


def _warnings(user):
    return db.session.scalars(select(Notification.link).where(Notification.user_id == user.id,
                                                              Notification.kind == "ticket_first_response")).all()


def test_first_response_is_the_first_staff_reply_to_the_coach(desk):
    t0 = utcnow() - timedelta(hours=10)
    ticket = services.file_ticket(desk.ann, "Kim", "x", "/y", now=t0)
    services.add_note(desk.ann, ticket, "more detail", now=t0 + timedelta(hours=1))  # the coach: not a response
    services.add_note(desk.sue, ticket, "internal", internal=True, now=t0 + timedelta(hours=2))  # not to the coach
    assert ticket.first_response_at is None
    services.add_note(desk.sue, ticket, "On it", now=t0 + timedelta(hours=3))
    services.add_note(desk.lea, ticket, "Me too", now=t0 + timedelta(hours=4))
    assert clocks.first_response_time(ticket) == timedelta(hours=3)
    for status in ("triaged", "in_progress"):
        flow.move(ticket, status, desk.lea, t0 + timedelta(hours=5))
    flow.move(ticket, "resolved", desk.sue, t0 + timedelta(hours=8))
    assert clocks.resolution_time(ticket) == timedelta(hours=8)


def test_first_response_warning_is_sent_once(desk, app):
    now = utcnow()
    late = services.file_ticket(desk.ann, "Kim", "late one", "/y", now=now - timedelta(hours=25))
    services.update_ticket(desk.lea, late, {"assignee_id": desk.sue.id})
    fresh = services.file_ticket(desk.ann, "Kim", "fresh one", "/y", now=now - timedelta(hours=23))
    answered = services.file_ticket(desk.ann, "Kim", "answered", "/y", now=now - timedelta(hours=30))
    services.add_note(desk.sue, answered, "Hello", now=now - timedelta(hours=29))
    assert clocks.warn_first_response(now) == 2  # the team leader and the assignee of `late`
    assert clocks.warn_first_response(now) == 0
    assert clocks.warn_first_response(now + timedelta(hours=2)) == 1  # `fresh` is due now; `late` not again
    assert _warnings(desk.lea) == [f"/tickets/{late.id}", f"/tickets/{fresh.id}"]
    assert _warnings(desk.sue) == [f"/tickets/{late.id}"]
    assert _warnings(desk.ann) == []
    app.config["TICKET_FIRST_RESPONSE_HOURS"] = 48
    try:
        assert not clocks.is_overdue(late, now)
    finally:
        app.config["TICKET_FIRST_RESPONSE_HOURS"] = 24


def test_the_warnings_job_sends_the_ticket_warning(desk):
    from workers.warnings import send_sla_warnings

    services.file_ticket(desk.ann, "Kim", "late one", "/y", now=utcnow() - timedelta(hours=25))
    assert send_sla_warnings()["ticket_first_response"] == 1
    assert send_sla_warnings()["ticket_first_response"] == 0


def test_overdue_tickets_stand_out_in_the_queues_and_filter(client, auth, api_headers, desk):
    now = utcnow()
    late = services.file_ticket(desk.ann, "Kim", "late one", "/y", now=now - timedelta(hours=25))
    services.file_ticket(desk.ann, "Kim", "fresh one", "/y", now=now - timedelta(hours=1))
    body = client.get("/api/v1/tickets?overdue=true", headers=api_headers(desk.lea)).get_json()
    assert [t["id"] for t in body["items"]] == [late.id] and body["items"][0]["overdue"] is True
    auth.login(desk.lea)
    page = client.get("/tickets/triage").get_data(as_text=True)
    assert page.count('data-overdue="1"') == 1 and "no first response yet" in page
    services.update_ticket(desk.lea, late, {"status": "triaged"})
    auth.logout()
    auth.login(desk.sue)
    page = client.get("/tickets/queue").get_data(as_text=True)
    assert page.count('data-overdue="1"') == 1 and "late one" in page


def test_monthly_medians_come_from_sql(desk):
    def filed(day, first_h, resolved_h=None):
        t0 = datetime(2026, 10, day, 9, tzinfo=UTC)
        ticket = services.file_ticket(desk.ann, "Kim", "x", "/y", when=t0, now=t0)
        services.add_note(desk.sue, ticket, "hi", now=t0 + timedelta(hours=first_h))
        if resolved_h is not None:
            for status in ("triaged", "in_progress"):
                flow.move(ticket, status, desk.lea, t0)
            flow.move(ticket, "resolved", desk.sue, t0 + timedelta(hours=resolved_h))

    filed(1, 1, 10)
    filed(2, 3, 20)
    filed(3, 8)
    filed(4, 10, 30)
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    services.file_ticket(desk.ann, "Kim", "x", "/y", when=t0, now=t0)
    rows = clocks.monthly_medians(services.visible_tickets(desk.lea))
    assert rows == [
        {"month": "2026-11", "tickets": 1, "first_response_hours": None, "resolution_hours": None},
        {"month": "2026-10", "tickets": 4, "first_response_hours": 5.5, "resolution_hours": 20.0},
    ]
