"""The live stream: who hears what, after a commit only, replay after a reconnect, and its refusals."""

import time

from helpdesk.clients.models import Vacation
from helpdesk.extensions import db
from helpdesk.inbox.services import mark_read as mark_thread_read
from helpdesk.inbox.services import post_message
from helpdesk.live import publish as live_publish
from helpdesk.live.routes import stream_topics
from helpdesk.notifications.services import mark_read as mark_notifications_read
from helpdesk.notifications.services import notify, notify_many
from helpdesk.types import utcnow
from tests.live.conftest import changes, read_stream


def test_a_clients_message_reaches_the_coachs_inbox_and_the_thread_and_not_another_team(
        app, client, auth, broker, team, waiting_thread):
    thread = waiting_thread(team["ann_client"])
    auth.login(team["ann"])
    ann_inbox = client.get("/live/stream?inbox=1")
    assert ann_inbox.status_code == 200 and ann_inbox.mimetype == "text/event-stream"
    ann_thread = client.get(f"/live/threads/{thread.id}/stream")
    carl = app.test_client()
    auth.__class__(carl).login(team["carl"])
    carl_inbox = carl.get("/live/stream?inbox=1")
    leader = app.test_client()
    auth.__class__(leader).login(team["leader"])
    leader_inbox = leader.get("/live/stream?inbox=1")

    post_message(thread, team["ann_client"], "Any news?")
    db.session.commit()
    assert live_publish.publish_ready() >= 2  # the message, and the notification of it

    heard = changes(ann_inbox)
    assert {"topics": [f"coach:{team['ann'].id}"], "kind": "message"} in heard
    assert {"topics": [f"user:{team['ann'].id}"], "kind": "bell"} in heard
    assert {"topics": [f"thread:{thread.id}"], "kind": "message"} in changes(ann_thread)
    assert {"topics": [f"team:{team['leader'].id}"], "kind": "message"} in changes(leader_inbox)
    assert changes(carl_inbox) == []


def test_nothing_is_published_for_work_rolled_back(broker, team, waiting_thread):
    thread = waiting_thread(team["ann_client"])
    db.session.commit()
    assert live_publish.publish_ready() == 1  # the thread's first message
    time.sleep(0.3)  # Redis: let the listener hear it before the log's position is taken
    seq = broker.log.last_seq
    with db.session.begin_nested():
        post_message(thread, team["ann_client"], "Never sent")
        notify(team["ann"].id, "client_message", "never")
    db.session.rollback()
    assert live_publish.publish_ready() == 0
    time.sleep(0.3)  # Redis: time for anything published to be heard
    mine = {f"thread:{thread.id}", f"user:{team['ann'].id}"}
    assert [e for e in broker.log.after(seq) if mine.intersection(e.topics)] == []


def test_a_stream_carries_no_text_and_only_the_callers_own_topics(client, auth, broker, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], body="Secret about my balance")
    auth.login(team["ann_client"])
    response = client.get(f"/live/threads/{thread.id}/stream")
    live_publish.publish((f"staff:thread:{thread.id}",), "presence")
    live_publish.publish((f"user:{team['ann'].id}",), "bell")
    live_publish.publish((f"thread:{thread.id}", f"coach:{team['ann'].id}"), "message")
    blocks = read_stream(response)
    body = repr(blocks)
    assert [b["data"] for b in blocks if b.get("event") == "change"] == [
        {"topics": [f"thread:{thread.id}"], "kind": "message"}]
    assert "Secret" not in body and "Ann" not in body and f"coach:{team['ann'].id}" not in body
    assert any(b.get("comment") == "heartbeat" for b in blocks)
    assert blocks[0]["retry"] == "3000"


def test_streams_refuse_the_signed_out_and_threads_the_caller_may_not_see(app, client, auth, broker, team,
                                                                          waiting_thread):
    ann_thread = waiting_thread(team["ann_client"])
    carl_thread = waiting_thread(team["carl_client"])
    assert client.get(f"/live/threads/{ann_thread.id}/stream").status_code == 302  # to sign-in
    assert client.get("/live/stream").status_code == 302
    auth.login(team["carl"])
    assert client.get(f"/live/threads/{ann_thread.id}/stream").status_code == 404
    assert client.get(f"/live/stream?thread={carl_thread.id}&thread={ann_thread.id}").status_code == 404
    assert client.get(f"/live/state?thread={ann_thread.id}").status_code == 404
    assert client.get(f"/live/stream?thread={carl_thread.id}").status_code == 200
    auth.logout()
    auth.login(team["ann_client"])
    assert client.get(f"/live/threads/{carl_thread.id}/stream").status_code == 404


def test_a_reconnect_is_replayed_what_it_missed_and_an_unknown_past_is_told_to_refresh(
        client, auth, broker, team):
    auth.login(team["ann"])
    first = read_stream(client.get("/live/stream"))
    last_id = first[-1]["id"]
    live_publish.publish((f"user:{team['ann'].id}",), "bell")  # while no stream is open
    time.sleep(0.3)  # Redis: let the listener hear it
    again = client.get("/live/stream", headers={"Last-Event-ID": last_id})
    assert {"topics": [f"user:{team['ann'].id}"], "kind": "bell"} in changes(again)
    stale = read_stream(client.get("/live/stream", headers={"Last-Event-ID": "1000"}))
    assert any(b.get("event") == "refresh" for b in stale)


def test_gunicorn_sync_workers_and_a_full_process_are_refused_with_503(app, client, auth, broker, team,
                                                                       monkeypatch):
    auth.login(team["ann"])
    sync = client.get("/live/stream", environ_overrides={"SERVER_SOFTWARE": "gunicorn/23.0.0",
                                                         "wsgi.multithread": False})
    assert sync.status_code == 503 and sync.headers["Retry-After"] == "30"
    threaded = client.get("/live/stream", environ_overrides={"SERVER_SOFTWARE": "gunicorn/23.0.0",
                                                             "wsgi.multithread": True})
    assert threaded.status_code == 200
    threaded.close()  # as a server does when the browser goes away: the stream ends, its slot is free
    monkeypatch.setitem(app.config, "LIVE_MAX_STREAMS", 1)
    holding = client.get("/live/stream")
    chunks = iter(holding.response)
    next(chunks)  # the stream has started: it holds the process's one slot
    assert client.get("/live/stream").status_code == 503
    for _ in chunks:
        pass
    assert client.get("/live/stream").status_code == 200


def test_a_coach_covering_an_away_teammate_hears_that_teammates_clients(team):
    today = utcnow().date()
    db.session.add(Vacation(coach_id=team["bob"].id, starts_on=today, ends_on=today))
    db.session.flush()
    topics = stream_topics(team["ann"], [], inbox=True)
    assert {f"coach:{team['ann'].id}", f"coach:{team['bob'].id}", f"user:{team['ann'].id}", "desk"} <= topics
    assert stream_topics(team["ann"], [], inbox=False) == {f"user:{team['ann'].id}", "desk"}
    assert stream_topics(team["leader"], [7], inbox=True) == {
        "desk", f"user:{team['leader'].id}", f"team:{team['leader'].id}", "unassigned", "thread:7", "staff:thread:7"}
    assert stream_topics(team["ann_client"], [7], inbox=True) == {"desk", f"user:{team['ann_client'].id}", "thread:7"}


def test_a_bulk_change_is_one_refresh_for_every_open_page(client, auth, broker, team, create_thread, create_message):
    auth.login(team["ann_client"])
    response = client.get("/live/stream")
    for n in range(live_publish.BULK + 1):  # changes are counted per thread (and per user)
        create_message(create_thread(team["carl_client"]), team["carl_client"], body=f"imported {n}")
    db.session.commit()
    assert live_publish.publish_ready() == 1
    assert changes(response) == [{"topics": ["desk"], "kind": "refresh"}]


def test_a_note_in_the_communication_area_reaches_staff_on_the_thread_and_never_the_client(
        app, client, auth, broker, team, waiting_thread):
    from helpdesk.audits.area import add_note

    thread = waiting_thread(team["ann_client"])
    auth.login(team["ann_client"])
    client_stream = client.get(f"/live/threads/{thread.id}/stream")
    coach = app.test_client()
    auth.__class__(coach).login(team["ann"])
    coach_stream = coach.get(f"/live/threads/{thread.id}/stream")
    add_note(team["leader"], thread, "Staff only: mind the refund rules")
    db.session.commit()
    live_publish.publish_ready()
    assert {"topics": [f"staff:thread:{thread.id}"], "kind": "comm"} in changes(coach_stream)
    assert [c for c in changes(client_stream) if c["kind"] == "comm"] == []


def test_notifications_stored_or_read_in_one_statement_reach_the_users_other_tabs(app, client, auth, broker,
                                                                                   team, waiting_thread):
    """The warnings job stores its notifications in one statement, the bell page marks them read in one, and
    opening a thread moves its read mark in one: no ORM object is flushed, yet each user's other open tabs
    hear their own bell (or inbox) change, and nobody else's."""
    ann, leader = team["ann"], team["leader"]
    thread = waiting_thread(team["ann_client"])
    db.session.commit()
    live_publish.publish_ready()
    auth.login(ann)
    tab = client.get("/live/stream?inbox=1")
    bob = app.test_client()
    auth.__class__(bob).login(team["bob"])
    bob_tab = bob.get("/live/stream")

    stored = notify_many([{"user_id": ann.id, "kind": "sla_warning", "text": "A client has waited 20 h"},
                          {"user_id": leader.id, "kind": "sla_warning", "text": "A client has waited 20 h"}])
    db.session.commit()
    assert stored == 2 and live_publish.publish_ready() == 1  # one event for both users' bells
    assert {"topics": [f"user:{ann.id}"], "kind": "bell"} in changes(tab)
    assert changes(bob_tab) == []

    tab = client.get("/live/stream?inbox=1")
    assert mark_notifications_read(ann.id) == 1
    mark_thread_read(thread, ann)
    db.session.commit()
    assert live_publish.publish_ready() == 2
    heard = changes(tab)
    assert {"topics": [f"user:{ann.id}"], "kind": "bell"} in heard
    assert {"topics": [f"user:{ann.id}"], "kind": "read"} in heard
