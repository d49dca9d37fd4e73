"""The same key sent twice at the same instant is stored once (PostgreSQL, real concurrent requests)."""

import threading

import pytest
from sqlalchemy import func, select

from helpdesk.auth.services import create_token, set_password
from helpdesk.extensions import db
from helpdesk.inbox.models import Message

ROUNDS = 10


def _at_once(*calls):
    """Run the calls in threads released together by a barrier; return their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait(5)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return results


@pytest.fixture
def desk(app, committed_db, create_coach, create_client, create_thread, create_message):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite has one writer at a time)")
    coach = create_coach(name="Race Coach")
    client_user = create_client(coach=coach)
    thread = create_thread(client_user, subject="Race")
    create_message(thread, client_user, body="Question")
    set_password(coach, "correct horse battery")
    # Two tokens: two retries of one user from two processes (one token would serialize them on its row).
    tokens = [create_token(coach), create_token(coach)]
    db.session.commit()
    return {"coach": coach, "thread_id": thread.id, "tokens": tokens}


def _messages(body):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Message).where(Message.body == body))


def test_same_idempotency_key_twice_at_once_stores_one_reply(app, desk):
    url = f"/api/v1/threads/{desk['thread_id']}/messages"
    duplicated, statuses = 0, []
    for n in range(ROUNDS):
        body = f"API race {n}"

        def send(token, body=body, n=n):
            response = app.test_client().post(url, json={"body": body}, headers={
                "Authorization": f"Bearer {token}", "Idempotency-Key": f"race-{n}"})
            return response.status_code

        statuses += _at_once(*(lambda t=t: send(t) for t in desk["tokens"]))
        duplicated += _messages(body) != 1
    assert duplicated == 0, f"{duplicated}/{ROUNDS} rounds stored the reply twice (or not at all)"
    assert set(statuses) <= {201, 409} and statuses.count(201) >= ROUNDS, statuses


def test_same_form_posted_twice_at_once_stores_one_reply(app, desk):
    browsers = []
    for _ in range(2):  # two tabs of one coach: two sessions
        browser = app.test_client()
        assert browser.post("/login", data={"login": desk["coach"].external_id,
                                            "password": "correct horse battery"}).status_code == 302
        browsers.append(browser)
    url = f"/threads/{desk['thread_id']}/reply"
    duplicated, statuses = 0, []
    for n in range(ROUNDS):
        form = {"body": f"Form race {n}", "form_token": f"token-{n}"}
        statuses += _at_once(*(lambda b=b, form=form: b.post(url, data=form).status_code for b in browsers))
        duplicated += _messages(form["body"]) != 1
    assert duplicated == 0, f"{duplicated}/{ROUNDS} rounds stored the reply twice (or not at all)"
    assert set(statuses) <= {302, 409}, statuses
