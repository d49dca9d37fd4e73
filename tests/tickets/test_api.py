"""Filing through the API and the form: each missing field named (who, what, where, when), nothing lost,
screenshots checked before anything is stored; anonymous calls answer 401; every endpoint documented."""

import io

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket, TicketAttachment
from tests.tickets.conftest import WHEN, image_bytes


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_api_names_every_missing_field_by_the_forms_words(client, api_headers, desk):
    r = client.post("/api/v1/tickets", json={}, headers=api_headers(desk.ann))
    assert r.status_code == 422
    assert set(r.get_json()["errors"]["json"]) == {"who", "what", "where", "when"}
    r = client.post("/api/v1/tickets", json={"who": "Kim", "what": "x", "where": "Payouts page",
                                             "when": {"first_seen": WHEN["first_seen"], "times": 2}},
                    headers=api_headers(desk.ann))
    errors = r.get_json()["errors"]["json"]
    assert set(errors) == {"where", "when"} and "still happening" in errors["when"][0]
    assert _count(Ticket) == 0


def test_api_files_with_people_links_and_screenshots(client, api_headers, desk, create_thread, create_message,
                                                     create_client):
    thread = create_thread(desk.kim, subject="Payout question")
    message = create_message(thread, desk.kim)
    bobs_client = create_client(coach=desk.bob)
    foreign = create_thread(bobs_client)
    payload = {"who_ids": [desk.kim.id, desk.sue.id], "what": "Payout failed", "where": "https://desk.example/pay",
               "when": WHEN, "links": [f"/threads/{thread.id}#m{message.id}"]}
    r = client.post("/api/v1/tickets", json={**payload, "who_ids": [bobs_client.id]}, headers=api_headers(desk.ann))
    assert r.status_code == 422 and "who" in r.get_json()["errors"]["json"]  # not her client, nor staff
    r = client.post("/api/v1/tickets", json={**payload, "links": [f"/threads/{foreign.id}"]},
                    headers=api_headers(desk.ann))
    assert r.status_code == 422 and "what" in r.get_json()["errors"]["json"]  # a thread she cannot open
    r = client.post("/api/v1/tickets", json=payload, headers=api_headers(desk.ann))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert {p["id"] for p in body["people"]} == {desk.kim.id, desk.sue.id}
    assert body["links"] == [f"/threads/{thread.id}#m{message.id}"]
    assert (body["times_seen"], body["still_happening"], body["status"]) == (3, True, "new")
    # Bob cannot open Kim's thread: the link is shown, not clickable
    from helpdesk.tickets.views import desk_links
    ticket = db.session.get(Ticket, body["id"])
    assert desk_links(desk.bob, ticket)[0]["href"] is None
    assert desk_links(desk.ann, ticket)[0]["href"] == f"/threads/{thread.id}#m{message.id}"


def test_api_multipart_filing_checks_every_screenshot_first(client, api_headers, desk):
    form = {"who": "Kim", "what": "Payout failed", "where": "/payouts",
            "when": '{"first_seen": "2026-11-20T09:30:00+00:00", "times": 1, "still_happening": false}'}
    big = image_bytes(pad_to=6 * 1024 * 1024)
    r = client.post("/api/v1/tickets", headers=api_headers(desk.ann), content_type="multipart/form-data",
                    data={**form, "screenshots": [(io.BytesIO(image_bytes()), "a.png"), (io.BytesIO(big), "b.png")]})
    assert r.status_code == 413 and r.get_json()["message"] == "file: The file is 6.0 MB; the limit is 5 MB."
    assert _count(Ticket) == 0 and _count(TicketAttachment) == 0
    six = [(io.BytesIO(image_bytes()), f"{i}.png") for i in range(6)]
    r = client.post("/api/v1/tickets", headers=api_headers(desk.ann), content_type="multipart/form-data",
                    data={**form, "screenshots": six})
    assert r.status_code == 422 and _count(Ticket) == 0
    shots = [(io.BytesIO(image_bytes(kind)), f"s.{kind.lower()}") for kind in ("PNG", "JPEG", "WEBP", "GIF")]
    r = client.post("/api/v1/tickets", headers=api_headers(desk.ann), content_type="multipart/form-data",
                    data={**form, "screenshots": shots})
    assert r.status_code == 201, r.get_json()
    assert [a["content_type"] for a in r.get_json()["attachments"]] == ["image/png", "image/jpeg", "image/webp",
                                                                        "image/gif"]


def test_the_sixth_screenshot_is_refused(client, api_headers, desk, ticket):
    for i in range(5):
        r = client.post(f"/api/v1/tickets/{ticket.id}/attachments", headers=api_headers(desk.ann),
                        content_type="multipart/form-data", data={"file": (io.BytesIO(image_bytes()), f"{i}.png")})
        assert r.status_code == 201
    r = client.post(f"/api/v1/tickets/{ticket.id}/attachments", headers=api_headers(desk.ann),
                    content_type="multipart/form-data", data={"file": (io.BytesIO(image_bytes()), "6.png")})
    assert r.status_code == 422 and "At most 5" in r.get_json()["message"]


def test_the_form_names_each_missing_field_and_keeps_what_was_typed(client, auth, desk):
    auth.login(desk.ann)
    r = client.post("/tickets/new", content_type="multipart/form-data", data={
        "who": "", "what": "The payout page <b>crashes</b>", "where": "", "times_seen": "3",
        "screenshots": (io.BytesIO(image_bytes()), "shot.png")})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Who is missing" in page and "Where is missing" in page and "When is missing" in page
    assert "say first seen, still happening" in page and "What is missing" not in page
    assert "The payout page &lt;b&gt;crashes&lt;/b&gt;</textarea>" in page and 'value="3"' in page
    assert "choose them again" in page
    assert _count(Ticket) == 0 and _count(TicketAttachment) == 0


def test_anonymous_api_calls_answer_401_json_even_with_csrf_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for method, url in (("post", "/api/v1/tickets"), ("get", "/api/v1/tickets"), ("post", "/api/v1/questions"),
                            ("patch", "/api/v1/tickets/1"), ("post", "/api/v1/tickets/1/comments"),
                            ("post", "/api/v1/questions/1/escalate")):
            r = getattr(client, method)(url, json={})
            assert r.status_code == 401, (url, r.get_json())
            assert r.get_json()["status"] == 401
        # a browser session signed in still needs its CSRF token
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_signed_in_browser_still_needs_its_csrf_token(app, client, auth, desk):
    auth.login(desk.ann)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post("/api/v1/questions", json={"body": "x"})
        assert r.status_code == 400 and r.get_json()["error"] == "csrf_failed"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("path, method", [
    ("/tickets", "get"), ("/tickets", "post"), ("/tickets/{ticket_id}", "get"), ("/tickets/{ticket_id}", "patch"),
    ("/tickets/{ticket_id}/comments", "post"), ("/tickets/{ticket_id}/merge", "post"),
    ("/tickets/{ticket_id}/attachments", "post"), ("/questions", "post"),
    ("/questions/{question_id}/answer", "post"), ("/questions/{question_id}/escalate", "post"),
])
def test_openapi_documents_every_endpoint_with_a_response_schema(client, path, method):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1" + path][method]
    ok = next(code for code in operation["responses"] if code.startswith("2"))
    assert "schema" in operation["responses"][ok]["content"]["application/json"]


HUGE = 2**63


def test_ids_too_big_for_the_database_are_404_or_422_never_500(client, api_headers, desk, ticket):
    headers = api_headers(desk.lea)
    assert client.get(f"/api/v1/tickets/{HUGE}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/tickets/{HUGE}/comments", json={"body": "x"}, headers=headers).status_code == 404
    assert client.post(f"/api/v1/questions/{HUGE}/escalate", headers=headers).status_code == 404
    r = client.post(f"/api/v1/tickets/{ticket.id}/merge", json={"into": HUGE}, headers=headers)
    assert r.status_code == 422 and "into" in r.get_json()["errors"]["json"]
    r = client.patch(f"/api/v1/tickets/{ticket.id}", json={"assignee_id": HUGE}, headers=headers)
    assert r.status_code == 422 and "assignee_id" in r.get_json()["errors"]["json"]
    r = client.get(f"/api/v1/tickets?assignee={HUGE}", headers=headers)
    assert r.status_code == 422
    r = client.post("/api/v1/tickets", json={"who_ids": [HUGE], "what": "x", "where": "/x", "when": WHEN},
                    headers=api_headers(desk.ann))
    assert r.status_code == 422 and "who_ids" in r.get_json()["errors"]["json"]
