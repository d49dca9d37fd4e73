"""samples_query asked for some coaches gives exactly the whole desk's samples of those coaches (metrics.md section 3).

The SLA page asks for a team's coaches only, so its query starts from them (their replies, their clients'
open waits) instead of filtering every wait of the period; the ranking asks for the whole desk. Both are one
rule: on random histories (coach changes, replies by the coach, another coach or a team leader, replies
after T, open waits, waits outside the period) the two forms must agree row for row.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.sla.samples import samples_query
from helpdesk.sla.services import update_waits

T0 = datetime(2026, 10, 1, tzinfo=UTC)
START, END = T0 + timedelta(hours=2), T0 + timedelta(hours=40)

# Per client: a switch of coach (hours after T0, or None), and waits (start in hours after T0, who replies:
# None for nobody, 0-2 a coach, 3 the team leader, and after how many hours).
waits = st.lists(st.tuples(st.integers(0, 45), st.one_of(st.none(), st.integers(0, 3)), st.integers(1, 30)),
                 max_size=6)
clients = st.lists(st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(1, 40)), st.integers(0, 2), waits),
                   min_size=1, max_size=3)


def _rows(subquery, coach_ids=None):
    rows = db.session.execute(select(subquery.c.coach_id, subquery.c.duration_us, subquery.c.day)).all()
    return Counter(tuple(r) for r in rows if coach_ids is None or r.coach_id in coach_ids)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=clients, as_of_hours=st.lists(st.integers(3, 60), min_size=1, max_size=3),
       chosen=st.sets(st.integers(0, 3), min_size=1))
def test_a_team_s_samples_are_the_whole_desk_s_samples_of_that_team(
        history, as_of_hours, chosen, create_user, create_coach, create_client, assign, create_thread,
        create_message):
    with db.session.begin_nested() as savepoint:
        leader = create_user("team_leader")
        coaches = [create_coach(team_leader=leader) for _ in range(3)]
        people = [*coaches, leader]
        for first, switch_hours, second, client_waits in history:
            client = create_client()
            if switch_hours is None:
                assign(client, coaches[first], starts_at=T0 - timedelta(days=30))
            else:
                switch = T0 + timedelta(hours=switch_hours)
                assign(client, coaches[first], starts_at=T0 - timedelta(days=30), ends_at=switch)
                assign(client, coaches[second], starts_at=switch)
            for start_hours, replier, after in client_waits:
                thread = create_thread(client)
                start = T0 + timedelta(hours=start_hours, minutes=7)
                create_message(thread, client, sent_at=start)
                if replier is not None:
                    create_message(thread, people[replier], sent_at=start + timedelta(hours=after))
        update_waits()
        ids = {people[i].id for i in chosen}
        for hours in as_of_hours:
            as_of = T0 + timedelta(hours=hours)
            desk = _rows(samples_query(START, END, as_of), coach_ids=ids)
            assert _rows(samples_query(START, END, as_of, coach_ids=ids)) == desk
        savepoint.rollback()
