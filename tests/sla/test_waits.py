"""Response waits (metrics.md section 3): opening, closing, replay order, incremental = full recompute."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import recompute_waits, update_waits

T0 = datetime(2026, 10, 1, 8, tzinfo=UTC)


def _waits():
    rows = db.session.scalars(select(ResponseWait).order_by(ResponseWait.opened_by_message_id)).all()
    return [(w.thread_id, w.client_id, w.opened_by_message_id, w.wait_start, w.reply_message_id, w.replied_at,
             w.replied_by_id) for w in rows]


def test_waits_open_once_and_close_on_first_staff_reply(create_user, create_coach, create_client, create_thread,
                                                         create_message):
    coach = create_coach()
    leader = create_user("team_leader")
    client = create_client(coach=coach)
    thread = create_thread(client)
    h = lambda n: T0 + timedelta(hours=n)  # noqa: E731
    q1 = create_message(thread, client, sent_at=h(0))
    create_message(thread, client, sent_at=h(1))          # wait already open: no second wait
    r1 = create_message(thread, leader, sent_at=h(3))     # any staff member closes it
    create_message(thread, coach, sent_at=h(4))           # nothing open: nothing to close
    q2 = create_message(thread, client, sent_at=h(5))
    update_waits()
    assert _waits() == [
        (thread.id, client.id, q1.id, h(0), r1.id, h(3), leader.id),
        (thread.id, client.id, q2.id, h(5), None, None, None),
    ]
    # A reply arrives later; the next run closes the open wait.
    r2 = create_message(thread, coach, sent_at=h(30))
    update_waits()
    assert _waits()[1] == (thread.id, client.id, q2.id, h(5), r2.id, h(30), coach.id)


def test_same_instant_orders_by_id_and_late_imports_replay(create_coach, create_client, create_thread,
                                                            create_message):
    coach = create_coach()
    client = create_client(coach=coach)
    thread = create_thread(client)
    q = create_message(thread, client, sent_at=T0)
    r = create_message(thread, coach, sent_at=T0)   # same instant, higher id: it comes after, and replies
    update_waits()
    assert _waits() == [(thread.id, client.id, q.id, T0, r.id, T0, coach.id)]
    # A message imported now but sent before everything: it opens the wait that `r` closes, and `q`
    # no longer opens one (a wait is already open when it is sent).
    early = create_message(thread, client, sent_at=T0 - timedelta(hours=2))
    update_waits()
    assert _waits() == [(thread.id, client.id, early.id, T0 - timedelta(hours=2), r.id, T0, coach.id)]


def test_recompute_since_matches_full(create_coach, create_client, create_thread, create_message, runner):
    coach = create_coach()
    client = create_client(coach=coach)
    thread = create_thread(client)
    for day in range(5):
        create_message(thread, client, sent_at=T0 + timedelta(days=day))
        create_message(thread, coach, sent_at=T0 + timedelta(days=day, hours=2))
    recompute_waits()
    full = _waits()
    assert len(full) == 5
    recompute_waits(since=(T0 + timedelta(days=2)).date())
    assert _waits() == full
    result = runner.invoke(args=["sla", "recompute", "--since", "nope"])
    assert result.exit_code != 0 and "is not a date" in result.output


events = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["client", "coach", "leader", "other"]),
                            st.integers(0, 40), st.booleans()), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stream=events)
def test_incremental_equals_full_recompute(stream, create_user, create_coach, create_client, create_thread,
                                           create_message):
    """Messages arrive in random batches, with sent_at out of order and ties; after each batch the
    incremental job runs. Its rows must equal a full recompute's."""
    with db.session.begin_nested() as savepoint:
        coach = create_coach()
        leader = create_user("team_leader")
        clients = [create_client(coach=coach) for _ in range(3)]
        threads = [create_thread(c) for c in clients]
        other = create_user("client")
        for thread_no, who, minute, run_after in stream:
            thread = threads[thread_no]
            author = {"client": clients[thread_no], "coach": coach, "leader": leader, "other": other}[who]
            create_message(thread, author, sent_at=T0 + timedelta(minutes=minute))
            if run_after:
                update_waits()
        update_waits()
        incremental = _waits()
        recompute_waits()
        assert _waits() == incremental
        savepoint.rollback()
