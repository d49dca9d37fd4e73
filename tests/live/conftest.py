"""Live fixtures: a team (leader, two coaches, their clients, a coach of another team), short streams, and a
reader that collects what a stream sends."""

import json
from datetime import timedelta

import pytest

from helpdesk.live.broker import get_broker
from helpdesk.types import utcnow


@pytest.fixture(autouse=True)
def _no_presence_left_over(app):
    """Thread ids come again (SQLite after a rollback, PostgreSQL in a new session): start each test with
    no presence marks."""
    clear_presence(app)
    yield
    clear_presence(app)


def clear_presence(app):
    from helpdesk.live import presence

    with app.app_context():
        store = presence.store()
        if isinstance(store, presence.RedisPresence):
            keys = list(store._redis.scan_iter("helpdesk:presence:*"))
            if keys:
                store._redis.delete(*keys)
        else:
            store._marks.clear()


@pytest.fixture
def team(create_team_leader, create_coach, create_client):
    leader = create_team_leader(name="Lea Leader")
    other_leader = create_team_leader(name="Otto Leader")
    ann = create_coach(team_leader=leader, name="Ann Coach")
    bob = create_coach(team_leader=leader, name="Bob Coach")
    carl = create_coach(team_leader=other_leader, name="Carl Coach")
    return {
        "leader": leader, "other_leader": other_leader, "ann": ann, "bob": bob, "carl": carl,
        "ann_client": create_client(coach=ann, name="Alice Client"),
        "carl_client": create_client(coach=carl, name="Cleo Client"),
    }


@pytest.fixture
def waiting_thread(create_thread, create_message):
    def make(client, hours=2, subject="Waiting question", body="Please help"):
        at = utcnow() - timedelta(hours=hours)
        thread = create_thread(client, subject=subject, last_message_at=at, waiting_since=at)
        create_message(thread, client, sent_at=at, body=body)
        return thread

    return make


@pytest.fixture
def broker(app, monkeypatch):
    """The app's broker, subscribed (Redis) before the test publishes; streams of 1.5 s, beats every 0.5 s."""
    monkeypatch.setitem(app.config, "LIVE_STREAM_SECONDS", 1.5)
    monkeypatch.setitem(app.config, "LIVE_HEARTBEAT_SECONDS", 0.5)
    broker = get_broker(app)
    if hasattr(broker, "wait_subscribed"):
        assert broker.wait_subscribed(10), "the live listener did not subscribe to Redis"
    return broker


def read_stream(response) -> list[dict]:
    """Every SSE block of a (finished) stream response: {"id", "event", "data", "comment"}."""
    text = b"".join(response.response).decode()
    blocks = []
    for raw in text.split("\n\n"):
        if not raw.strip():
            continue
        block = {}
        for line in raw.split("\n"):
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "":
                block["comment"] = value
            elif field == "data":
                block["data"] = json.loads(value)
            else:
                block[field] = value
        blocks.append(block)
    return blocks


def changes(response) -> list[dict]:
    return [b["data"] for b in read_stream(response) if b.get("event") == "change"]
