"""Three coaches in October 2026 with figures worked out by hand (see `program`)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from helpdesk.audits.models import Audit
from helpdesk.clients.models import ProfitRecord
from helpdesk.extensions import db

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def program(create_user, create_coach, create_client, create_thread, create_message):
    """Ann answers 3 (hours 1, 2, 3), Bob 2 (one Yellow; 10 h and 30 h), Cid 1 (4 h) in October 2026.

    Communication quality: Ann 1, Bob 0.5, Cid 1 -> cq ranks 1, 3, 1; ceil(0.75 * 3) = 3: all eligible.
    Mean response: Ann 2 h, Bob 20 h, Cid 4 h -> ranks 1, 3, 2; gate ceil(3/2) = 2: Ann and Cid.
    Ann's client (joined 2025-01-01, 21 full months on Oct 3: 1.5%) made 100.00 profit: base 1.50.
    """
    leader = create_user("team_leader", name="Tess Leader")
    auditor = create_user("auditor")
    coaches = {}
    for name, hours, yellow in (("ann", (1, 2, 3), ()), ("bob", (10, 30), (0,)), ("cid", (4,), ())):
        coach = create_coach(team_leader=leader, name=f"{name.title()} Coach", external_id=f"co-{name}")
        client = create_client(coach=coach, external_id=f"cl-{name}")
        thread = create_thread(client)
        for i, h in enumerate(hours):
            start = datetime(2026, 10, 2 + i, 8, tzinfo=UTC)
            create_message(thread, client, sent_at=start)
            reply = create_message(thread, coach, sent_at=start + timedelta(hours=h))
            if i in yellow:
                db.session.add(Audit(message_id=reply.id, coach_id=coach.id, auditor_id=auditor.id, color="yellow",
                                     at=reply.sent_at + timedelta(hours=1)))
        coaches[name] = SimpleNamespace(coach=coach, client=client)
    db.session.add(ProfitRecord(client_id=coaches["ann"].client.id, date=date(2026, 10, 3), amount=Decimal("100.00"),
                                kind="profit"))
    db.session.flush()
    return SimpleNamespace(leader=leader, **coaches)


@pytest.fixture
def snapshot(program):
    from helpdesk.rankings.snapshot import compute_snapshot

    snap = compute_snapshot("2026-10", AS_OF)
    db.session.flush()
    return snap
