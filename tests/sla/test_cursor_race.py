"""Two first runs of the SLA waits job at once, on a database that has no cursor row yet (PostgreSQL).

Both read the cursor, found none, and inserted row 1: one failed with a UniqueViolation. Seen failing on the
old code (`sla.services._cursor`)."""

import pytest
from sqlalchemy import delete, select

from helpdesk.extensions import db
from helpdesk.sla.models import ResponseWait, SlaCursor
from helpdesk.sla.services import update_waits
from tests.race import at_once

REPETITIONS = 5


def test_two_first_runs_at_once_both_succeed_and_agree(app, committed_db, create_coach, create_client,
                                                       create_thread, create_message):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    coach = create_coach()
    client = create_client(coach=coach)
    thread = create_thread(client)
    create_message(thread, client)
    create_message(thread, coach)
    last = create_message(thread, client).id
    db.session.commit()
    for _ in range(REPETITIONS):
        db.session.execute(delete(SlaCursor))
        db.session.execute(delete(ResponseWait))
        db.session.commit()
        results, errors = at_once(app, [update_waits, update_waits])
        assert errors == []
        assert len(results) == 2
        cursors = db.session.execute(select(SlaCursor.id, SlaCursor.last_message_id)).all()
        assert [tuple(c) for c in cursors] == [(1, last)]
        assert db.session.scalar(select(ResponseWait.opened_by_message_id).where(
            ResponseWait.reply_message_id.is_(None))) == last
        db.session.commit()
