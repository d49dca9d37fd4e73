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


def test_a_reply_whose_answer_is_built_reads_nothing_after_the_commit(app, client, api_headers, team, waiting_thread,
                                                                      monkeypatch):
    """Issue #10 item 13: the answer reloaded the author after the commit, so a database gone at that moment
    gave a 500 for a reply that was stored. The answer is now built before the commit."""
    from sqlalchemy import event, func, select
    from sqlalchemy.exc import OperationalError

    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message

    thread = waiting_thread(team["ann_client"], 4)
    h = api_headers(team["ann"])
    client.get("/api/v1/threads", headers=h)  # the token row is in the session, as in any later request
    monkeypatch.setitem(app.config, "PROPAGATE_TEST_ERRORS", False)
    gone = {"after_commit": False}

    def database_gone(conn, cursor, statement, *args):
        if gone["after_commit"] and statement.lstrip().split()[0].upper() in ("SELECT", "INSERT", "UPDATE"):
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    def committed(session):
        gone["after_commit"] = True

    event.listen(db.engine, "before_cursor_execute", database_gone)
    event.listen(db.session, "after_commit", committed)
    try:
        sent = client.post(f"/api/v1/threads/{thread.id}/messages", json={"body": "Stored once"}, headers=h)
    finally:
        event.remove(db.engine, "before_cursor_execute", database_gone)
        event.remove(db.session, "after_commit", committed)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    assert sent.get_json()["author_name"] == "Ann Coach" and sent.get_json()["body"] == "Stored once"
    assert db.session.scalar(select(func.count()).where(Message.body == "Stored once")) == 1


def test_collision_guard_holds_a_reply_written_before_a_newer_message(client, api_headers, team, waiting_thread):
    """Issue #14: a reply based on an old view of the thread is not sent; the 409 carries the newer messages."""
    thread = waiting_thread(team["ann_client"], 4, body="First question")
    seen = thread.messages[-1].id
    url = f"/api/v1/threads/{thread.id}/messages"
    leader_h, ann_h = api_headers(team["leader"]), api_headers(team["ann"])
    assert client.post(url, json={"body": "Leader answers", "last_seen_message_id": seen},
                       headers=leader_h).status_code == 201
    held = client.post(url, json={"body": "Ann answers too", "last_seen_message_id": seen}, headers=ann_h)
    assert held.status_code == 409
    body = held.get_json()
    assert body["status"] == 409 and [m["body"] for m in body["newer_messages"]] == ["Leader answers"]
    assert body["newer_messages"][0]["author_name"] == "Lea Leader"
    assert not any(m.body == "Ann answers too" for m in db_messages(thread))
    newest = body["newer_messages"][-1]["id"]
    assert client.post(url, json={"body": "Ann, after reading", "last_seen_message_id": newest},
                       headers=ann_h).status_code == 201
    forced = client.post(url, json={"body": "Ann insists", "last_seen_message_id": seen, "force": True},
                         headers=ann_h)
    assert forced.status_code == 201
    # The writer's own messages are no collision; an id from another thread is a 422 naming the field.
    assert client.post(url, json={"body": "Ann again", "last_seen_message_id": forced.get_json()["id"]},
                       headers=ann_h).status_code == 201
    other = waiting_thread(team["ann_client"], 1)
    wrong = client.post(url, json={"body": "x", "last_seen_message_id": other.messages[-1].id}, headers=ann_h)
    assert wrong.status_code == 422 and "last_seen_message_id" in wrong.get_json()["errors"]["json"]
    huge = client.post(url, json={"body": "x", "last_seen_message_id": 2**40}, headers=ann_h)
    assert huge.status_code == 422 and "last_seen_message_id" in huge.get_json()["errors"]["json"]
    assert {m.body for m in db_messages(thread)} >= {"Ann, after reading", "Ann insists", "Ann again"}


def db_messages(thread):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message

    return db.session.scalars(select(Message).where(Message.thread_id == thread.id)).all()


def test_two_coaches_answering_the_same_message_at_once_send_one_reply(app, committed_db, create_team_leader,
                                                                       create_coach, create_client, create_thread,
                                                                       create_message):
    """Issue #14, under the thread's row lock: of two replies to the same last message sent at the same
    instant, one is sent and the other is held (409), in every round (PostgreSQL)."""
    import threading

    import pytest
    from sqlalchemy import func, select

    from helpdesk.auth.services import create_token
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message

    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer at a time)")
    leader = create_team_leader()
    coach = create_coach(team_leader=leader)
    client_user = create_client(coach=coach)
    rounds, both_sent, outcomes = 10, 0, []
    writers = [create_token(coach), create_token(leader)]
    threads = []
    for _ in range(rounds):
        thread = create_thread(client_user, subject="Collision")
        threads.append((thread.id, create_message(thread, client_user, body="Question").id))
    db.session.commit()
    for thread_id, seen in threads:
        barrier, statuses = threading.Barrier(2), []

        def reply(token, thread_id=thread_id, seen=seen, barrier=barrier, statuses=statuses):
            barrier.wait(5)
            statuses.append(app.test_client().post(
                f"/api/v1/threads/{thread_id}/messages", json={"body": "Answer", "last_seen_message_id": seen},
                headers={"Authorization": f"Bearer {token}"}).status_code)

        workers = [threading.Thread(target=reply, args=(t,)) for t in writers]
        for w in workers:
            w.start()
        for w in workers:
            w.join(20)
        outcomes.append(sorted(statuses))
        db.session.expire_all()
        sent = db.session.scalar(select(func.count()).select_from(Message)
                                 .where(Message.thread_id == thread_id, Message.body == "Answer"))
        both_sent += sent != 1
    assert both_sent == 0, f"{both_sent}/{rounds} rounds sent both replies (or none): {outcomes}"
    assert outcomes == [[201, 409]] * rounds, outcomes
