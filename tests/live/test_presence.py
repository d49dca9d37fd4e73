"""Presence: staff see who else is viewing or replying in a thread they may see; clients never do."""

import time

from helpdesk.live import presence
from tests.live.conftest import changes


def test_a_teammate_sees_who_is_replying_and_the_client_sees_no_presence(app, client, auth, broker, team,
                                                                          waiting_thread):
    thread = waiting_thread(team["ann_client"])
    leader = app.test_client()
    auth.__class__(leader).login(team["leader"])
    leader_stream = leader.get(f"/live/threads/{thread.id}/stream")
    auth.login(team["ann"])
    answer = client.post(f"/live/threads/{thread.id}/presence", data={"state": "typing"})
    assert answer.status_code == 200 and answer.get_json() == {"presence": []}  # nobody else yet

    seen = leader.get(f"/live/state?thread={thread.id}").get_json()
    assert seen["presence"] == {str(thread.id): [{"name": "Ann Coach", "state": "typing"}]}
    assert {"topics": [f"staff:thread:{thread.id}"], "kind": "presence"} in changes(leader_stream)

    # The leader's own page sees Ann, not itself; Ann sees the leader.
    assert leader.post(f"/live/threads/{thread.id}/presence", data={"state": "viewing"}).get_json() == {
        "presence": [{"name": "Ann Coach", "state": "typing"}]}
    assert client.get(f"/live/state?thread={thread.id}").get_json()["presence"][str(thread.id)] == [
        {"name": "Lea Leader", "state": "viewing"}]

    auth.logout()
    auth.login(team["ann_client"])
    state = client.get(f"/live/state?thread={thread.id}")
    assert state.status_code == 200 and "presence" not in state.get_json()
    assert "Ann Coach" not in state.get_data(as_text=True)
    assert client.post(f"/live/threads/{thread.id}/presence", data={"state": "typing"}).status_code == 403


def test_presence_is_refused_on_threads_the_caller_may_not_see_and_for_bad_states(client, auth, team,
                                                                                  waiting_thread):
    thread = waiting_thread(team["ann_client"])
    auth.login(team["carl"])
    assert client.post(f"/live/threads/{thread.id}/presence", data={"state": "typing"}).status_code == 404
    auth.logout()
    auth.login(team["ann"])
    bad = client.post(f"/live/threads/{thread.id}/presence", data={"state": "dancing"})
    assert bad.status_code == 422 and bad.get_json()["errors"] == {"form": {"state": ["Must be viewing, typing or left."]}}


def test_a_mark_ends_on_leaving_and_by_itself_after_its_time(app, client, auth, team, waiting_thread, monkeypatch):
    thread = waiting_thread(team["ann_client"])
    auth.login(team["ann"])
    client.post(f"/live/threads/{thread.id}/presence", data={"state": "typing"})
    with app.test_request_context():
        assert presence.others_in([thread.id], team["bob"].id)[thread.id] == [{"name": "Ann Coach", "state": "typing"}]
        assert presence.report(thread.id, team["ann"], "typing") is False  # unchanged: nobody needs telling
        real_time = time.time
        monkeypatch.setattr(presence.time, "time", lambda: real_time() + presence.TYPING_TTL + 1)
        assert presence.others_in([thread.id], team["bob"].id)[thread.id] == []
        monkeypatch.setattr(presence.time, "time", real_time)
    client.post(f"/live/threads/{thread.id}/presence", data={"state": "left"})
    with app.test_request_context():
        assert presence.others_in([thread.id], team["bob"].id)[thread.id] == []


def test_with_redis_gone_presence_shows_nobody_and_the_pages_still_answer(app, client, auth, team, waiting_thread,
                                                                         monkeypatch):
    """Presence is a hint: while Redis is unreachable nobody is shown and nothing is an error page."""
    import redis

    from tests.servers import spare_port

    gone = presence.RedisPresence(redis.Redis(host="127.0.0.1", port=spare_port(), socket_connect_timeout=0.2))
    assert gone.marks([1, 2]) == {1: [], 2: []}
    assert gone.set(1, presence.Mark(7, "Ann", "typing", time.time() + 8), 7) is None
    monkeypatch.setattr(presence, "store", lambda: gone)
    thread = waiting_thread(team["ann_client"])
    auth.login(team["ann"])
    answer = client.post(f"/live/threads/{thread.id}/presence", data={"state": "typing"})
    assert answer.status_code == 200 and answer.get_json() == {"presence": []}
    state = client.get(f"/live/state?thread={thread.id}")
    assert state.status_code == 200 and state.get_json()["presence"] == {str(thread.id): []}
