"""A client and a coach posting in one thread at the same instant (PostgreSQL, committed rows, real sessions).

Issue #10 item 5: each request kept the wait state it had read before the other's message, so a thread could
stay "waiting" although the coach's reply is its last message (or the reverse). After both posts, the stored
`last_message_at` and `waiting_since` must be what the thread's messages say (metrics.md section 3).
"""

import threading

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.services import post_message
from helpdesk.inbox.thread_state import refresh_thread_state
from helpdesk.inbox.waits import open_wait_start, waits_of

REPETITIONS = 20


def _post_in_thread(app, thread_id, author_id, barrier, errors):
    with app.app_context():
        try:
            thread, author = db.session.get(Thread, thread_id), db.session.get(User, author_id)
            thread.waiting_since, thread.last_message_at  # noqa: B018 - loaded before the other request writes
            barrier.wait(5)
            post_message(thread, author, f"from {author.role}")
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            db.session.rollback()
            errors.append(repr(exc))
        finally:
            db.session.remove()


def _state_from_messages(thread: Thread):
    messages = db.session.execute(
        select(Message.id, Message.sent_at, Message.author_id, User.role).join(User, User.id == Message.author_id)
        .where(Message.thread_id == thread.id)).all()
    return max(m.sent_at for m in messages), open_wait_start(waits_of(thread.client_id, messages))


def test_client_and_coach_posting_at_once_leave_the_state_the_messages_give(app, committed_db, create_coach,
                                                                           create_client, create_thread,
                                                                           create_message):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    coach = create_coach()
    client = create_client(coach=coach)
    threads = []
    for n in range(REPETITIONS):
        thread = create_thread(client, subject=f"race {n}")
        create_message(thread, client)  # half start waiting, half answered
        if n % 2:
            create_message(thread, coach)
        threads.append(thread)
    refresh_thread_state([t.id for t in threads])
    db.session.commit()
    ids, authors = [t.id for t in threads], (client.id, coach.id)
    db.session.remove()

    wrong, errors = [], []
    for thread_id in ids:
        barrier = threading.Barrier(2)
        workers = [threading.Thread(target=_post_in_thread, args=(app, thread_id, who, barrier, errors))
                   for who in authors]
        for w in workers:
            w.start()
        for w in workers:
            w.join(15)
        db.session.remove()
        thread = db.session.get(Thread, thread_id)
        if (thread.last_message_at, thread.waiting_since) != _state_from_messages(thread):
            wrong.append(thread_id)
    assert errors == []
    assert wrong == [], f"{len(wrong)} of {REPETITIONS} threads disagree with their messages"
