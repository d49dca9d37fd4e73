"""Two read marks of one user and thread at the same instant (PostgreSQL, committed rows, real sessions).

`inbox.services.mark_read` read the mark, then inserted it when missing or moved it on: two marks at once
on a thread never read both inserted it, and one failed on the unique key (a 500 on the read POST); two
marks of different instants both read the old one, and the later write could put the mark back to the
earlier instant. Both seen failing on the old code."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread, ThreadRead
from helpdesk.inbox.services import mark_read
from helpdesk.types import utcnow
from tests.race import at_once

REPETITIONS = 10


@pytest.fixture
def threads(app, committed_db, create_coach, create_client, create_thread):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    coach = create_coach()
    client = create_client(coach=coach)
    ids = [create_thread(client, subject=f"race {n}").id for n in range(REPETITIONS)]
    db.session.commit()
    yield coach.id, ids


def _mark(thread_id, user_id, at=None):
    def work():
        return mark_read(db.session.get(Thread, thread_id), db.session.get(User, user_id), at).read_at
    return work


def _marks(thread_id, user_id):
    db.session.expire_all()
    return db.session.scalars(select(ThreadRead.read_at).where(ThreadRead.thread_id == thread_id,
                                                               ThreadRead.user_id == user_id)).all()


def test_two_first_marks_at_once_both_succeed_and_leave_one_mark(app, threads):
    coach_id, ids = threads
    for thread_id in ids:
        results, errors = at_once(app, [_mark(thread_id, coach_id), _mark(thread_id, coach_id)])
        assert errors == [] and len(results) == 2
        assert _marks(thread_id, coach_id) == [max(results)]


def test_two_marks_at_once_leave_the_later_instant(app, threads):
    coach_id, ids = threads
    now = utcnow()
    for thread_id in ids:
        with app.app_context():
            mark_read(db.session.get(Thread, thread_id), db.session.get(User, coach_id), now - timedelta(hours=1))
            db.session.commit()
        earlier, later = now - timedelta(minutes=2), now - timedelta(minutes=1)
        results, errors = at_once(app, [_mark(thread_id, coach_id, later), _mark(thread_id, coach_id, earlier)])
        assert errors == []
        assert _marks(thread_id, coach_id) == [later]


def test_a_mark_never_moves_back(create_coach, create_client, create_thread):
    coach = create_coach()
    thread = create_thread(create_client(coach=coach))
    now = utcnow()
    assert mark_read(thread, coach, now).read_at == now
    assert mark_read(thread, coach, now - timedelta(minutes=5)).read_at == now
    assert mark_read(thread, coach, now + timedelta(minutes=5)).read_at == now + timedelta(minutes=5)
    assert db.session.scalars(select(ThreadRead.read_at).where(ThreadRead.thread_id == thread.id)).all() == [
        now + timedelta(minutes=5)]
