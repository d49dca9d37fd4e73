"""The audits API: each endpoint, the fields its errors name, and who may call it."""

from datetime import timedelta

from helpdesk.audits import queue
from helpdesk.audits.models import Audit
from helpdesk.extensions import db
from helpdesk.types import utcnow


def _post(client, url, headers, body):
    return client.post(url, json=body, headers=headers)


def test_auditor_audits_a_reply_and_the_coach_sees_it(client, api_headers, desk):
    r = _post(client, f"/api/v1/messages/{desk.reply.id}/audits", api_headers(desk.auditor),
              {"color": "yellow", "comment": "Say where the button is."})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["color"], body["label"], body["state"], body["coach"]["name"]) == (
        "yellow", "Needs Improvement", "open", "Cora Coach")
    assert 23 * 3600 < body["seconds_left"] <= 24 * 3600
    mine = client.get("/api/v1/audits", headers=api_headers(desk.coach)).get_json()
    assert [a["id"] for a in mine] == [body["id"]]
    team = client.get("/api/v1/audits?color=yellow&state=waiting", headers=api_headers(desk.leader)).get_json()
    assert [a["id"] for a in team] == [body["id"]]
    assert client.get("/api/v1/audits", headers=api_headers(desk.other_coach)).get_json() == []


def test_audit_errors_name_the_field(client, api_headers, desk):
    h = api_headers(desk.auditor)
    url = f"/api/v1/messages/{desk.reply.id}/audits"
    r = _post(client, url, h, {"color": "purple", "comment": "x"})
    assert r.status_code == 422 and "color" in r.get_json()["errors"]["json"]
    r = _post(client, url, h, {"color": "yellow", "comment": ""})
    assert r.status_code == 422 and r.get_json()["message"].startswith("comment:")
    r = _post(client, f"/api/v1/messages/{desk.question.id}/audits", h, {"color": "green"})
    assert r.status_code == 422 and "message" in r.get_json()["errors"]["json"]
    assert _post(client, url, api_headers(desk.coach), {"color": "green"}).status_code == 403
    assert db.session.query(Audit).count() == 0


def test_claim_twice_is_409(client, api_headers, desk, create_user):
    queue.build_sample(desk.reply.sent_at.date())
    items = client.get("/api/v1/audits/queue", headers=api_headers(desk.auditor)).get_json()
    assert [i["message_id"] for i in items] == [desk.reply.id]
    url = f"/api/v1/audits/queue/{items[0]['id']}/claim"
    assert client.post(url, headers=api_headers(desk.auditor)).status_code == 200
    r = client.post(url, headers=api_headers(create_user("auditor")))
    assert r.status_code == 409 and r.get_json()["errors"]["json"] == {"item": ["Another auditor has already claimed this reply."]}
    assert client.post("/api/v1/audits/queue/999999/claim", headers=api_headers(desk.auditor)).status_code == 404


def test_action_dispute_resolve_and_notes(client, api_headers, desk, audit, create_message):
    a = audit("yellow", at=utcnow() - timedelta(hours=3))
    better = create_message(desk.thread, desk.coach, sent_at=utcnow() - timedelta(hours=1), body="Better")
    coach = api_headers(desk.coach)
    r = _post(client, f"/api/v1/audits/{a.id}/action", coach, {"message_id": desk.reply.id})
    assert r.status_code == 422 and "message_id" in r.get_json()["errors"]["json"]
    r = _post(client, f"/api/v1/audits/{a.id}/action", coach, {"message_id": better.id})
    assert r.status_code == 200 and r.get_json()["state"] == "acted"
    assert r.get_json()["taken_seconds"] == 2 * 3600
    assert _post(client, f"/api/v1/audits/{a.id}/dispute", coach, {"reason": ""}).status_code == 422
    assert _post(client, f"/api/v1/audits/{a.id}/dispute", coach, {"reason": "fine"}).status_code == 200
    assert _post(client, f"/api/v1/audits/{a.id}/dispute", coach, {"reason": "again"}).status_code == 409
    assert _post(client, f"/api/v1/audits/{a.id}/resolve", api_headers(desk.other_coach.reports_to),
                 {"resolution": "overturned"}).status_code == 404
    r = _post(client, f"/api/v1/audits/{a.id}/resolve", api_headers(desk.leader), {"resolution": "nope"})
    assert r.status_code == 422 and "resolution" in r.get_json()["errors"]["json"]
    r = _post(client, f"/api/v1/audits/{a.id}/resolve", api_headers(desk.leader), {"resolution": "overturned"})
    assert (r.status_code, r.get_json()["resolution"], r.get_json()["state"]) == (200, "overturned", "overturned")

    url = f"/api/v1/threads/{desk.thread.id}/communication"
    assert _post(client, url, api_headers(desk.leader), {"body": "  "}).status_code == 422
    assert _post(client, url, api_headers(desk.leader), {"body": "Good follow-up"}).status_code == 201
    area = client.get(url, headers=api_headers(desk.auditor)).get_json()
    assert [c["name"] for c in area["coaches"]] == ["Cora Coach"]
    assert [n["body"] for n in area["notes"]] == ["Linked a better reply to the Yellow audit.", "Good follow-up"]
    assert area["notes"][0]["linked_message_id"] == better.id
    assert area["audits"][0]["acted_message_id"] == better.id
    # A coach who does not have this client cannot read the area.
    assert client.get(url, headers=api_headers(desk.other_coach)).status_code == 404


def test_a_refusal_answers_the_whole_error_body(client, api_headers, desk, audit):
    a = audit("yellow", at=utcnow() - timedelta(hours=3))
    coach = api_headers(desk.coach)
    assert _post(client, f"/api/v1/audits/{a.id}/dispute", coach, {"reason": "fine"}).status_code == 200
    r = _post(client, f"/api/v1/audits/{a.id}/dispute", coach, {"reason": "again"})
    assert r.status_code == 409
    assert r.get_json() == {
        "error": "conflict", "status": 409,
        "message": "audit: This Yellow has already been disputed; a Yellow is disputed once.",
        "errors": {"json": {"audit": ["This Yellow has already been disputed; a Yellow is disputed once."]}},
    }
