"""Who sees what: a coach only their own tickets and never an internal note (pages, API, notifications);
a team leader only their team's; a screenshot only for those who may see its ticket."""

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets import services
from helpdesk.tickets.attachments import add_attachment
from tests.tickets.conftest import image_bytes

SECRET = "internal: the client may be gaming the refund rule"


def _texts(user):
    return " ".join(db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)))


def test_internal_notes_never_reach_the_coach(client, auth, api_headers, desk, ticket):
    services.update_ticket(desk.lea, ticket, {"status": "triaged", "assignee_id": desk.sue.id})
    services.add_note(desk.sue, ticket, SECRET, internal=True)
    services.add_note(desk.sue, ticket, "We are looking into it")
    # API
    body = client.get(f"/api/v1/tickets/{ticket.id}", headers=api_headers(desk.ann)).get_json()
    assert [n["body"] for n in body["notes"]] == ["We are looking into it"]
    staff = client.get(f"/api/v1/tickets/{ticket.id}", headers=api_headers(desk.lea)).get_json()
    assert [n["internal"] for n in staff["notes"]] == [True, False]
    # page
    auth.login(desk.ann)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "We are looking into it" in page and "gaming the refund" not in page
    assert "Internal note" not in page  # no checkbox for the coach either
    # notifications: the coach is told of the reply, never of (or with) the internal note
    assert "gaming the refund" not in _texts(desk.ann)
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == desk.ann.id,
                                                           Notification.kind == "ticket_note")) is not None


def test_a_coach_cannot_post_an_internal_note(client, api_headers, desk, ticket):
    r = client.post(f"/api/v1/tickets/{ticket.id}/comments", json={"body": "psst", "internal": True},
                    headers=api_headers(desk.ann))
    assert r.status_code == 403
    assert ticket.notes == []
    r = client.post(f"/api/v1/tickets/{ticket.id}/comments", json={"body": "Any news?"}, headers=api_headers(desk.ann))
    assert r.status_code == 201 and r.get_json()["internal"] is False


def test_a_coach_never_sees_another_coachs_ticket(client, auth, api_headers, desk, ticket):
    services.add_note(desk.lea, ticket, "reply to Ann")
    for user in (desk.bob, desk.cal):
        headers = api_headers(user)
        assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).status_code == 404
        assert client.get("/api/v1/tickets", headers=headers).get_json()["total"] == 0
        assert client.post(f"/api/v1/tickets/{ticket.id}/comments", json={"body": "x"},
                           headers=headers).status_code == 404
        assert "Payout page" not in _texts(user)
    auth.login(desk.bob)
    assert "Payout page shows an error" not in client.get("/tickets").get_data(as_text=True)
    assert client.get(f"/tickets/{ticket.id}").status_code == 404


def test_a_team_leader_sees_only_their_teams_tickets(client, auth, api_headers, desk, ticket):
    cal_ticket = services.file_ticket(desk.cal, "Joe", "Cal's problem", "/x")
    lea = client.get("/api/v1/tickets", headers=api_headers(desk.lea)).get_json()
    tom = client.get("/api/v1/tickets", headers=api_headers(desk.tom)).get_json()
    assert [t["id"] for t in lea["items"]] == [ticket.id]
    assert [t["id"] for t in tom["items"]] == [cal_ticket.id]
    assert client.get(f"/api/v1/tickets/{cal_ticket.id}", headers=api_headers(desk.lea)).status_code == 404
    auth.login(desk.tom)
    page = client.get("/tickets/triage").get_data(as_text=True)
    assert "Cal&#39;s problem" in page and "Payout page" not in page


def test_a_screenshot_cannot_be_fetched_by_who_may_not_see_its_ticket(client, auth, desk, ticket):
    shot = add_attachment(desk.ann, ticket, "shot.png", "image/png", image_bytes())
    url = f"/tickets/{ticket.id}/attachments/{shot.id}"
    auth.login(desk.ann)
    r = client.get(url)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    for user in (desk.bob, desk.tom, desk.cal):
        auth.logout()
        auth.login(user)
        assert client.get(url).status_code == 404
    # and not through his own ticket's URL either
    bob_ticket = services.file_ticket(desk.bob, "x", "y", "/z")
    auth.logout()
    auth.login(desk.bob)
    assert client.get(f"/tickets/{bob_ticket.id}").status_code == 200
    assert client.get(f"/tickets/{bob_ticket.id}/attachments/{shot.id}").status_code == 404
