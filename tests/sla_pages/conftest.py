"""A small team whose waits are worked out by hand (see each test for the expected figures)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from helpdesk.sla.services import update_waits

OCT = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def make_wait(create_thread, create_message):
    """make_wait(client, start, replier=None, hours=None): a client question, answered `hours` later."""

    def make(client, start, replier=None, hours=None):
        thread = create_thread(client)
        create_message(thread, client, sent_at=start)
        if replier is not None:
            create_message(thread, replier, sent_at=start + timedelta(hours=hours))
        return thread

    return make


@pytest.fixture
def team(create_user, create_coach, create_client, make_wait):
    leader = create_user("team_leader", name="Tess Leader")
    other_leader = create_user("team_leader", name="Olga Other")
    a = create_coach(team_leader=leader, name="Ann Coach", external_id="co-ann")
    b = create_coach(team_leader=leader, name="Bob Coach", external_id="co-bob")
    c = create_coach(team_leader=other_leader, name="Cid Coach", external_id="co-cid")
    ka, kb, kc = create_client(coach=a), create_client(coach=b), create_client(coach=c)
    # Ann: 1, 2, 9, 10 and 30 hours, on Oct 2 (x2), Oct 3 (x3).
    for day, hours in ((2, 1), (2, 2), (3, 9), (3, 10), (3, 30)):
        make_wait(ka, OCT + timedelta(days=day - 1, hours=8), a, hours)
    # Bob: 2, 4, 6 and 20 hours on Oct 5.
    for hours in (2, 4, 6, 20):
        make_wait(kb, OCT + timedelta(days=4, hours=7), b, hours)
    # Bob answers a question of Ann's client: credited to Bob (the replier), 3 hours, Oct 5 too.
    make_wait(ka, OCT + timedelta(days=4, hours=1), b, 3)
    # Outside the period: starts Sep 30 23:00, answered in October by Ann.
    make_wait(ka, OCT - timedelta(hours=1), a, 2)
    # The team leader answers one: not a coach, not in the table.
    make_wait(kb, OCT + timedelta(days=6), leader, 1)
    # Cid, other team: 5 hours.
    make_wait(kc, OCT + timedelta(days=6), c, 5)
    update_waits()
    return SimpleNamespace(leader=leader, other_leader=other_leader, a=a, b=b, c=c, ka=ka, kb=kb, kc=kc)
