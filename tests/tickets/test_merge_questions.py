"""Merging duplicates, and 'ask my team leader first' (answer in place, escalate in one click)."""

import io

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.tickets import questions, services
from helpdesk.tickets.access import TicketError
from helpdesk.tickets.attachments import add_attachment, add_to_question
from helpdesk.tickets.merging import merge
from helpdesk.tickets.models import Question, Ticket
from tests.tickets.conftest import image_bytes


def _kinds(user):
    return db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)).all()


def test_merge_closes_the_duplicate_points_to_the_survivor_and_tells_both_reporters(client, auth, desk, ticket):
    dup = services.file_ticket(desk.bob, "Kim", "Payout page error again", "/payouts")
    shot = add_attachment(desk.bob, dup, "dup.png", "image/png", image_bytes())
    services.add_note(desk.lea, dup, "Checked the logs", internal=True)
    services.add_note(desk.lea, dup, "We are on it")
    assert merge(desk.lea, dup, ticket) is ticket
    assert (dup.status, dup.merged_into_id) == ("closed", ticket.id)
    assert "ticket_merged" in _kinds(desk.ann) and "ticket_merged" in _kinds(desk.bob)
    auth.login(desk.lea)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Merged from" in page and "Checked the logs" in page and "We are on it" in page
    assert client.get(f"/tickets/{dup.id}/attachments/{shot.id}").status_code == 200
    assert f'/tickets/{dup.id}/attachments/{shot.id}' in page
    # Ann (the survivor's reporter) is another coach than Bob: she sees neither his ticket nor its notes
    auth.logout()
    auth.login(desk.ann)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Merged from" not in page and "We are on it" not in page and "Checked the logs" not in page
    assert client.get(f"/tickets/{dup.id}/attachments/{shot.id}").status_code == 404
    auth.logout()
    auth.login(desk.bob)
    page = client.get(f"/tickets/{dup.id}").get_data(as_text=True)
    assert f"ticket #{ticket.id}" in page and "Checked the logs" not in page


def test_merge_refusals(client, api_headers, desk, ticket):
    other = services.file_ticket(desk.bob, "Kim", "Another", "/x")
    r = client.post(f"/api/v1/tickets/{other.id}/merge", json={"into": other.id}, headers=api_headers(desk.lea))
    assert r.status_code == 422 and "into" in r.get_json()["errors"]["json"]
    r = client.post(f"/api/v1/tickets/{other.id}/merge", json={"into": ticket.id}, headers=api_headers(desk.ann))
    assert r.status_code == 404  # Ann cannot see Bob's ticket
    r = client.post(f"/api/v1/tickets/{ticket.id}/merge", json={"into": other.id}, headers=api_headers(desk.ann))
    assert r.status_code == 422  # nor merge into it
    r = client.post(f"/api/v1/tickets/{other.id}/merge", json={"into": ticket.id}, headers=api_headers(desk.lea))
    assert r.status_code == 200 and r.get_json()["id"] == ticket.id
    r = client.post(f"/api/v1/tickets/{other.id}/merge", json={"into": ticket.id}, headers=api_headers(desk.lea))
    assert r.status_code == 409
    with pytest.raises(TicketError) as exc:
        merge(desk.lea, ticket, other)  # into a merged (closed) ticket
    assert exc.value.status == 409


def test_question_answered_in_place(client, api_headers, desk):
    r = client.post("/api/v1/questions", json={"body": "Is a blurry logo a bug?"}, headers=api_headers(desk.ann))
    assert r.status_code == 201
    qid = r.get_json()["id"]
    assert _kinds(desk.lea) == ["ticket_question"]
    for user in (desk.tom, desk.sue, desk.bob, desk.admin, desk.ann, desk.kim):  # only Ann's own team leader
        assert client.post(f"/api/v1/questions/{qid}/answer", json={"answer": "x"},
                           headers=api_headers(user)).status_code == 404
        assert client.post(f"/api/v1/questions/{qid}/escalate", headers=api_headers(user)).status_code == 404
    r = client.post(f"/api/v1/questions/{qid}/answer", json={"answer": "No, the image"}, headers=api_headers(desk.lea))
    assert r.status_code == 200 and r.get_json()["status"] == "answered"
    assert "question_answered" in _kinds(desk.ann)
    r = client.post(f"/api/v1/questions/{qid}/escalate", headers=api_headers(desk.lea))
    assert r.status_code == 409  # answered already: not escalated too


def test_question_escalated_into_a_ticket_with_its_text_and_screenshots(client, auth, desk):
    q = questions.ask(desk.ann, "Two clients see 'payout method invalid'. Ticket?")
    add_to_question(desk.ann, q, [("err.png", image_bytes())])
    auth.login(desk.lea)
    r = client.post(f"/questions/{q.id}/escalate")
    assert r.status_code == 302
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    ticket = db.session.get(Ticket, q.ticket_id)
    assert (q.status, ticket.status, ticket.reporter_id) == ("escalated", "new", desk.ann.id)
    assert ticket.what == q.body and ticket.where == f"/questions/{q.id}" and ticket.when == q.created_at
    assert [p.id for p in ticket.people] == [desk.ann.id]
    assert [a.filename for a in ticket.attachments] == ["err.png"]
    assert "question_escalated" in _kinds(desk.ann)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Triage" in page and "payout method invalid" in page
    auth.logout()
    auth.login(desk.ann)
    assert client.get(f"/tickets/{ticket.id}/attachments/{ticket.attachments[0].id}").status_code == 200
    auth.logout()
    auth.login(desk.bob)
    assert client.get(f"/questions/{q.id}").status_code == 404


def test_question_pages_and_refused_upload_stores_nothing(client, auth, desk):
    auth.login(desk.ann)
    r = client.post("/questions/new", content_type="multipart/form-data",
                    data={"body": "Should I file?", "screenshots": (io.BytesIO(b"not an image"), "x.png")})
    assert r.status_code == 415 or r.status_code == 400
    assert "Only images" in r.get_data(as_text=True) and "Should I file?" in r.get_data(as_text=True)
    assert db.session.scalar(select(Question.id)) is None
    r = client.post("/questions/new", data={"body": "Should I file?"})
    assert r.status_code == 302
    auth.logout()
    auth.login(desk.lea)
    assert "Should I file?" in client.get("/tickets/triage").get_data(as_text=True)
    with pytest.raises(TicketError):
        questions.ask(desk.lea, "Team leaders do not ask themselves")


def test_an_escalated_question_is_visible_with_its_ticket(client, auth, desk):
    q = questions.ask(desk.ann, "Worth a ticket?")
    assert not questions.question_visible_to(desk.sue, q)
    ticket = questions.escalate(desk.lea, q)
    assert questions.question_visible_to(desk.sue, q) and not questions.question_visible_to(desk.bob, q)
    auth.login(desk.sue)
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f'href="/questions/{q.id}"' in page
    assert client.get(f"/questions/{q.id}").status_code == 200
