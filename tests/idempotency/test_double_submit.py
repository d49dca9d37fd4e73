"""A double submit stores once: the API's Idempotency-Key and the forms' one-time token (issue #10 item 7)."""

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.tickets.models import Ticket
from helpdesk.types import utcnow


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_api_reply_with_the_same_key_is_stored_once_and_answers_the_first_result(client, api_headers, team,
                                                                                 waiting_thread):
    thread = waiting_thread(team["ann_client"], 3)
    h = {**api_headers(team["ann"]), "Idempotency-Key": "reply-1"}
    first = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Fee A"}, headers=h)
    again = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Fee A"}, headers=h)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(Message, Message.body == "Fee A") == 1
    other = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Fee A"},
                        headers={**h, "Idempotency-Key": "reply-2"})
    assert other.status_code == 201 and _count(Message, Message.body == "Fee A") == 2


def test_a_key_reused_with_another_body_is_a_422_and_stores_nothing(client, api_headers, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], 3)
    h = {**api_headers(team["ann"]), "Idempotency-Key": "k"}
    assert client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "One"}, headers=h).status_code == 201
    reused = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Two"}, headers=h)
    assert reused.status_code == 422 and "Idempotency-Key" in reused.get_json()["errors"]["json"]
    assert _count(Message, Message.body == "Two") == 0


def test_a_refused_request_leaves_no_key_behind(client, api_headers, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], 3)
    h = {**api_headers(team["ann"]), "Idempotency-Key": "retry-me"}
    url = f"/api/v1/threads/{thread.id}/messages"
    assert client.post(url, json={"body": ""}, headers=h).status_code == 422
    assert client.post(url, json={"body": ""}, headers=h).status_code == 422  # not a replay of a stored answer
    assert client.post(url, json={"body": "Now with text"}, headers=h).status_code == 201


def test_a_key_is_per_user_and_forgotten_after_24_hours(client, api_headers, team, waiting_thread):
    from helpdesk.idempotency import IdempotencyKey

    thread = waiting_thread(team["ann_client"], 3)
    url = f"/api/v1/threads/{thread.id}/messages"
    ann = {**api_headers(team["ann"]), "Idempotency-Key": "same"}
    lea = {**api_headers(team["leader"]), "Idempotency-Key": "same"}
    assert client.post(url, json={"body": "Hi"}, headers=ann).status_code == 201
    assert client.post(url, json={"body": "Hi"}, headers=lea).status_code == 201
    assert _count(Message, Message.body == "Hi") == 2
    db.session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))
    assert client.post(url, json={"body": "Hi"}, headers=ann).headers.get("Idempotent-Replayed") is None
    assert _count(Message, Message.body == "Hi") == 3


def test_api_new_thread_and_new_ticket_with_the_same_key_are_stored_once(client, api_headers, team):
    h = {**api_headers(team["ann_client"]), "Idempotency-Key": "thread-1"}
    first = client.post("/api/v1/threads", json={"subject": "Once", "body": "Hi"}, headers=h)
    again = client.post("/api/v1/threads", json={"subject": "Once", "body": "Hi"}, headers=h)
    assert first.status_code == again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    assert _count(Thread, Thread.subject == "Once") == 1

    coach = {**api_headers(team["ann"]), "Idempotency-Key": "ticket-1"}
    ticket = {"who": "Ann", "what": "The export is empty", "where": "https://desk.example/rankings",
              "when": {"first_seen": "2026-11-20T09:30:00+00:00", "times": 2, "still_happening": True}}
    one = client.post("/api/v1/tickets", json=ticket, headers=coach)
    two = client.post("/api/v1/tickets", json=ticket, headers=coach)
    assert one.status_code == two.status_code == 201 and two.get_json()["id"] == one.get_json()["id"]
    assert _count(Ticket, Ticket.what == "The export is empty") == 1


def test_reply_form_posted_twice_stores_once_and_both_go_to_the_reply(client, auth, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], 3)
    auth.login(team["ann"])
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    form = {"body": "Only once", "form_token": _form_token(page)}
    first = client.post(f"/threads/{thread.id}/reply", data=form)
    second = client.post(f"/threads/{thread.id}/reply", data=form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(Message, Message.body == "Only once") == 1
    # A page rendered again carries a new token: a new reply is a new message.
    fresh = _form_token(client.get(f"/threads/{thread.id}").get_data(as_text=True))
    assert fresh != form["form_token"]
    client.post(f"/threads/{thread.id}/reply", data={**form, "form_token": fresh})
    assert _count(Message, Message.body == "Only once") == 2


def test_new_thread_and_ticket_forms_posted_twice_store_once(client, auth, team, create_user):
    auth.login(team["ann_client"])
    form = {"subject": "Form once", "body": "Hi",
            "form_token": _form_token(client.get("/my/threads").get_data(as_text=True))}
    first, second = client.post("/my/threads", data=form), client.post("/my/threads", data=form)
    assert first.status_code == second.status_code == 302 and first.headers["Location"] == second.headers["Location"]
    assert _count(Thread, Thread.subject == "Form once") == 1

    auth.logout()
    auth.login(team["ann"])
    token = _form_token(client.get("/tickets/new").get_data(as_text=True))
    form = {"who": "Ann", "what": "Ticket once", "where": "https://desk.example/inbox", "when": "2026-11-20T09:30",
            "times_seen": "2", "still_happening": "yes", "priority": "normal", "form_token": token}
    first, second = client.post("/tickets/new", data=form), client.post("/tickets/new", data=form)
    assert first.status_code == second.status_code == 302 and first.headers["Location"] == second.headers["Location"]
    assert _count(Ticket, Ticket.what == "Ticket once") == 1


def test_the_openapi_document_offers_the_header_on_adopting_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/api/v1/threads", "post"), ("/api/v1/threads/{thread_id}/messages", "post"),
                         ("/api/v1/tickets", "post")):
        names = [p["name"] for p in paths[path][method].get("parameters", []) if p["in"] == "header"]
        assert names == ["Idempotency-Key"], (path, names)
    assert "parameters" not in paths["/api/v1/threads/{thread_id}"]["get"] or all(
        p["name"] != "Idempotency-Key" for p in paths["/api/v1/threads/{thread_id}"]["get"]["parameters"])
