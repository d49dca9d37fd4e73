"""The inbox API: same visibility as the pages, field-named errors, and no staff-only fields for clients."""

from datetime import timedelta

from helpdesk.inbox.schemas import STAFF_ONLY_THREAD_FIELDS
from helpdesk.types import utcnow


def test_coach_lists_views_and_cannot_reach_others(client, api_headers, team, waiting_thread):
    mine = waiting_thread(team["ann_client"], 30, subject="Breached")
    waiting_thread(team["ann_client"], 2, subject="Fresh")
    other = waiting_thread(team["bob_client"], 1, subject="Bob's")
    h = api_headers(team["ann"])
    body = client.get("/api/v1/threads?view=breached", headers=h).get_json()
    assert [t["id"] for t in body["items"]] == [mine.id]
    assert body["items"][0]["wait_state"] == "red"
    assert body["counts"] == {"all": 2, "waiting": 2, "unread": 2, "breached": 1}
    assert client.get(f"/api/v1/threads/{other.id}", headers=h).status_code == 404
    assert client.post(f"/api/v1/threads/{other.id}/messages", json={"body": "x"}, headers=h).status_code == 404
    assert client.post(f"/api/v1/threads/{other.id}/read", headers=h).status_code == 404
    assert client.get("/api/v1/threads?q=Bob", headers=h).get_json()["items"] == []
    bad = client.get("/api/v1/threads?view=nope", headers=h)
    assert bad.status_code == 422 and "view" in bad.get_json()["message"]


def test_reply_read_and_client_view(client, api_headers, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], 4, subject="Fees", body="Which fees?")
    coach_h, client_h = api_headers(team["ann"]), api_headers(team["ann_client"])
    assert client.post(f"/api/v1/threads/{thread.id}/read", headers=coach_h).status_code == 200
    empty = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": ""}, headers=coach_h)
    assert empty.status_code == 422 and "body" in empty.get_json()["errors"]["json"]
    sent = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Fee A or B"}, headers=coach_h)
    assert sent.status_code == 201 and sent.get_json()["author_name"] == "Ann Coach"
    staff_view = client.get(f"/api/v1/threads/{thread.id}", headers=coach_h).get_json()
    assert "waiting_since" in staff_view
    seen = client.get(f"/api/v1/threads/{thread.id}", headers=client_h).get_json()
    assert [m["body"] for m in seen["messages"]] == ["Which fees?", "Fee A or B"]
    assert seen["read_by_name"] == "Ann Coach" and seen["read_by_coach_at"]
    assert not set(STAFF_ONLY_THREAD_FIELDS) & set(seen)
    listed = client.get("/api/v1/threads", headers=client_h).get_json()
    assert "counts" not in listed
    assert all(not set(STAFF_ONLY_THREAD_FIELDS) & set(item) for item in listed["items"])


def test_client_creates_thread_only_for_themself(client, api_headers, team):
    h = api_headers(team["ann_client"])
    created = client.post("/api/v1/threads", json={"subject": "New", "body": "Hi"}, headers=h)
    assert created.status_code == 201
    assert created.get_json()["client_id"] == team["ann_client"].id
    missing = client.post("/api/v1/threads", json={"body": "Hi"}, headers=h)
    assert missing.status_code == 422 and "subject" in missing.get_json()["message"]
    assert client.post("/api/v1/threads", json={"subject": "x", "body": "y"},
                       headers=api_headers(team["ann"])).status_code == 403
    ann_h = api_headers(team["ann"])
    assert [t["subject"] for t in client.get("/api/v1/threads?view=waiting", headers=ann_h).get_json()["items"]] == ["New"]
    other_client = client.get(f"/api/v1/threads/{created.get_json()['id']}",
                              headers=api_headers(team["bob_client"]))
    assert other_client.status_code == 404


def test_vacations_api(client, api_headers, team):
    h = api_headers(team["ann"])
    today = utcnow().date()
    ok = client.post("/api/v1/vacations", json={"starts_on": str(today), "ends_on": str(today + timedelta(days=2))},
                     headers=h)
    assert ok.status_code == 201
    backwards = client.post("/api/v1/vacations", json={"starts_on": str(today), "ends_on": str(today - timedelta(days=1))},
                            headers=h)
    assert backwards.status_code == 422 and "ends_on" in backwards.get_json()["errors"]["json"]
    overlap = client.post("/api/v1/vacations", json={"starts_on": str(today + timedelta(days=1)),
                                                     "ends_on": str(today + timedelta(days=5))}, headers=h)
    assert overlap.status_code == 422 and "starts_on" in overlap.get_json()["errors"]["json"]
    assert [v["starts_on"] for v in client.get("/api/v1/vacations", headers=h).get_json()["items"]] == [str(today)]
    assert client.get("/api/v1/vacations", headers=api_headers(team["ann_client"])).status_code == 403
