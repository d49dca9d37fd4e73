"""The wait rule (metrics.md section 3): its SQL form and its Python twin agree on random threads."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.clients.models import Vacation
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.thread_state import refresh_one_thread, refresh_thread_state
from helpdesk.inbox.waits import ThreadWait, open_wait_start, waits_of, waits_sql
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import recompute_waits, refresh_from_stored_waits

T0 = datetime(2026, 10, 1, 8, tzinfo=UTC)
AUTHORS = ("client", "client", "coach", "teammate", "leader", "support", "other_client")
# (thread 0 or 1, author, minute): few minutes, so ties in sent_at (ordered by id) are common.
messages = st.lists(st.tuples(st.integers(0, 1), st.sampled_from(AUTHORS), st.integers(0, 8)), max_size=14)


def _sql_waits(thread_id):
    w = waits_sql([thread_id])
    return [ThreadWait(r.opened_by_message_id, r.wait_start, r.reply_message_id, r.replied_at, r.replied_by_id)
            for r in db.session.execute(select(w).order_by(w.c.wait_start, w.c.opened_by_message_id))]


def _stored_waits(thread_id):
    return [ThreadWait(r.opened_by_message_id, r.wait_start, r.reply_message_id, r.replied_at, r.replied_by_id)
            for r in db.session.scalars(select(ResponseWait).where(ResponseWait.thread_id == thread_id)
                                        .order_by(ResponseWait.wait_start, ResponseWait.opened_by_message_id))]


def _python_waits(thread):
    rows = db.session.execute(
        select(Message.id, Message.sent_at, Message.author_id, User.role).join(User, User.id == Message.author_id)
        .where(Message.thread_id == thread.id)).all()
    return waits_of(thread.client_id, rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=messages, coach_away=st.booleans())
def test_sql_and_python_waits_agree(stream, coach_away, create_user, create_team_leader, create_coach,
                                    create_client, create_thread, create_message):
    """Random threads of client, coach, covering teammate, team leader, support and other clients' messages,
    with the coach away or not: the SQL form (the SLA table, `waiting_since`) and the Python twin give the
    same waits, openers, replies and repliers, and the threads' state set from the stored waits (an import's
    way) equals the state set from the messages."""
    with db.session.begin_nested() as savepoint:
        leader = create_team_leader()
        coach, teammate = create_coach(team_leader=leader), create_coach(team_leader=leader)
        if coach_away:
            db.session.add(Vacation(coach_id=coach.id, starts_on=date(2026, 9, 30), ends_on=date(2026, 10, 2)))
        clients = [create_client(coach=coach) for _ in range(2)]
        threads = [create_thread(c) for c in clients]
        other, support = create_user("client"), create_user("support")
        for thread_no, who, minute in stream:
            author = {"client": clients[thread_no], "coach": coach, "teammate": teammate, "leader": leader,
                      "support": support, "other_client": other}[who]
            create_message(threads[thread_no], author, sent_at=T0 + timedelta(minutes=minute))
        refresh_thread_state([t.id for t in threads])
        recompute_waits()
        expected = {}
        for thread in threads:
            python = _python_waits(thread)
            assert _sql_waits(thread.id) == python
            assert _stored_waits(thread.id) == python
            assert thread.waiting_since == open_wait_start(python)
            expected[thread.id] = (thread.last_message_at, thread.waiting_since)
            refresh_one_thread(thread)  # the Python form posting uses
            assert (thread.last_message_at, thread.waiting_since) == expected[thread.id]
            if thread.last_message_at is not None:  # the import's form reads the stored waits: scramble first
                thread.last_message_at = thread.waiting_since = T0 - timedelta(days=1)
        refresh_from_stored_waits(select(Thread.id).where(Thread.id.in_(list(expected))))
        for thread in threads:
            assert (thread.last_message_at, thread.waiting_since) == expected[thread.id]
        savepoint.rollback()


def test_python_twin_follows_the_spec_example(create_user, create_coach, create_client, create_thread,
                                               create_message):
    """Client asks twice (one wait), another client's message does nothing, the team leader answers; a coach
    message with nothing open closes nothing; the client asks again (open)."""
    coach, leader = create_coach(), create_user("team_leader")
    client, other = create_client(coach=coach), create_user("client")
    thread = create_thread(client)
    h = lambda n: T0 + timedelta(hours=n)  # noqa: E731
    q1 = create_message(thread, client, sent_at=h(0))
    create_message(thread, client, sent_at=h(1))
    create_message(thread, other, sent_at=h(2))
    r1 = create_message(thread, leader, sent_at=h(3))
    create_message(thread, coach, sent_at=h(4))
    q2 = create_message(thread, client, sent_at=h(5))
    assert _python_waits(thread) == [ThreadWait(q1.id, h(0), r1.id, h(3), leader.id), ThreadWait(q2.id, h(5))]
    assert _sql_waits(thread.id) == _python_waits(thread)
