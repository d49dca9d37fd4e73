"""Ticket pages and API as users meet them: 404s, triage, attachments, notes."""

import io

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets.attachments import add_attachment
from helpdesk.tickets.models import Ticket
from tests.tickets.conftest import WHEN, image_bytes


def test_api_visibility_404_for_other_coaches_and_leaders(client, api_headers, desk, ticket):
    url = f"/api/v1/tickets/{ticket.id}"
    assert client.get(url, headers=api_headers(desk.ann)).status_code == 200
    assert client.get(url, headers=api_headers(desk.lea)).status_code == 200
    assert client.get(url, headers=api_headers(desk.sue)).status_code == 200
    for user in (desk.bob, desk.tom):
        r = client.get(url, headers=api_headers(user))
        assert r.status_code == 404 and r.get_json()["error"] == "not_found"
    assert client.get(url, headers=api_headers(desk.auditor)).status_code == 403
    assert client.get("/api/v1/tickets", headers=api_headers(desk.bob)).get_json()["total"] == 0


def test_api_file_then_triage(client, api_headers, desk):
    # issue 13: Where is a link and When (first seen, times, still happening) is required; "open" is now "new"
    r = client.post("/api/v1/tickets", json={"who": "Kim", "what": "Payout missing", "where": "/payouts",
                                             "when": WHEN, "priority": "high", "client_id": desk.kim.id},
                    headers=api_headers(desk.ann))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["status"], body["priority"], body["reporter"]["name"]) == ("new", "high", "Ann")
    url = f"/api/v1/tickets/{body['id']}"
    lea = api_headers(desk.lea)
    r = client.patch(url, json={"status": "closed", "assignee_id": desk.sue.id}, headers=lea)
    assert r.status_code == 200 and r.get_json()["assignee"]["name"] == "Sue"
    r = client.patch(url, json={"status": "triaged"}, headers=lea)
    assert r.status_code == 409
    assert "closed ticket cannot become triaged" in r.get_json()["message"]
    r = client.post(f"{url}/notes", json={"body": "Looking into it"}, headers=api_headers(desk.sue))
    assert r.status_code == 201
    assert client.get(url, headers=api_headers(desk.ann)).get_json()["notes"][0]["body"] == "Looking into it"


def test_api_refuses_bad_input_naming_the_field(client, api_headers, desk):
    r = client.post("/api/v1/tickets", json={"who": "Kim", "what": "x"}, headers=api_headers(desk.ann))
    assert r.status_code == 422 and "where" in r.get_json()["errors"]["json"]
    r = client.post("/api/v1/tickets", json={"who": "K", "what": "x", "where": "y", "when": "2026-01-01T10:00:00"},
                    headers=api_headers(desk.ann))
    assert r.status_code == 422 and "when" in r.get_json()["errors"]["json"]


def test_page_filing_notifies_team_leader_and_stores_attachment(client, auth, desk):
    auth.login(desk.ann)
    # issue 13: screenshots only (a text file is refused now), Where a link, When in three parts
    r = client.post("/tickets/new", data={"who": "Kim", "what": "Broken upload", "where": "/listings",
                                          "when": "2026-11-20T09:30", "times_seen": "2", "still_happening": "yes",
                                          "priority": "normal", "client_id": str(desk.kim.id),
                                          "screenshots": (io.BytesIO(image_bytes()), "upload log.png", "image/png")},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    ticket = db.session.scalar(select(Ticket).where(Ticket.what == "Broken upload"))
    assert [a.filename for a in ticket.attachments] == ["upload_log.png"]
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == desk.lea.id)).all()
    assert kinds == ["ticket_new"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Broken upload" in page and "upload_log.png" in page


def test_attachment_too_large_is_refused_and_nothing_stored(client, auth, desk, ticket):
    auth.login(desk.ann)
    big = io.BytesIO(b"x" * (5 * 1024 * 1024 + 1))
    r = client.post(f"/tickets/{ticket.id}/attachments", data={"file": (big, "big.bin")},
                    content_type="multipart/form-data")
    assert r.status_code == 413
    assert "limit is 5 MB" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).attachments == []


def test_exactly_five_megabytes_is_accepted(client, api_headers, desk, ticket):
    data = io.BytesIO(image_bytes(pad_to=5 * 1024 * 1024))  # issue 13: images only
    r = client.post(f"/api/v1/tickets/{ticket.id}/attachments", data={"file": (data, "ok.png")},
                    headers=api_headers(desk.ann), content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["size"] == 5 * 1024 * 1024


def test_download_is_an_attachment_with_a_safe_type(client, auth, desk, ticket):
    # issue 13: HTML is no longer stored at all (images only, by content); the type served is the checked one
    auth.login(desk.ann)
    r = client.post(f"/tickets/{ticket.id}/attachments", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(b"<script>alert(1)</script>"), "evil.png", "image/png")})
    assert r.status_code == 415
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).attachments == []
    png = add_attachment(desk.ann, ticket, "shot.png", "text/html", image_bytes())
    auth.login(desk.lea)
    r = client.get(f"/tickets/{ticket.id}/attachments/{png.id}")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Type"] == "image/png" and r.headers["Content-Disposition"].startswith("attachment;")


def test_pages_404_for_others(client, auth, desk, ticket):
    att = add_attachment(desk.ann, ticket, "a.png", "image/png", image_bytes())
    auth.login(desk.bob)
    assert client.get(f"/tickets/{ticket.id}").status_code == 404
    assert client.get(f"/tickets/{ticket.id}/attachments/{att.id}").status_code == 404
    assert client.post(f"/tickets/{ticket.id}/notes", data={"body": "x"}).status_code == 404


def test_page_triage_invalid_transition_shows_message(client, auth, desk, ticket):
    auth.login(desk.lea)
    r = client.post(f"/tickets/{ticket.id}/update", data={"status": "resolved", "priority": "normal"})
    assert r.status_code == 409
    assert "A new ticket cannot become resolved" in r.get_data(as_text=True)
    r = client.post(f"/tickets/{ticket.id}/update", data={"status": "triaged", "priority": "urgent",
                                                          "assignee_id": str(desk.sue.id)})
    assert r.status_code == 302
    db.session.expire_all()
    t = db.session.get(Ticket, ticket.id)
    assert (t.status, t.priority, t.assignee_id) == ("triaged", "urgent", desk.sue.id)
    page = client.get("/tickets?status=triaged").get_data(as_text=True)
    assert "Payout page shows an error" in page


def test_new_ticket_page_offers_own_clients(client, auth, desk):
    auth.login(desk.ann)
    page = client.get("/tickets/new").get_data(as_text=True)
    assert "Kim" in page and 'name="when"' in page


def test_ticket_page_shows_triage_to_the_team_leader(client, auth, desk, ticket):
    auth.login(desk.lea)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Triage" in page and "Sue (support)" in page and "Payouts &gt; History" in page
