"""Two overlapping vacations of one coach added at the same instant (PostgreSQL, committed rows, two tabs).

`add_vacation` checked for an overlap, then inserted: two requests at once both found none, and the coach
had two overlapping vacations. Seen failing on the old code."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.clients.coverage import VacationError, add_vacation
from helpdesk.clients.models import Vacation
from helpdesk.extensions import db
from tests.race import at_once

REPETITIONS = 5


def test_two_overlapping_vacations_added_at_once_store_one(app, committed_db, create_coach):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    coach_id = create_coach().id
    db.session.commit()
    for n in range(REPETITIONS):
        first = date(2027, 1, 1) + timedelta(days=30 * n)

        def add(starts_on, ends_on):
            return lambda: add_vacation(db.session.get(User, coach_id), starts_on, ends_on).id

        results, errors = at_once(app, [add(first, first + timedelta(days=5)),
                                        add(first + timedelta(days=3), first + timedelta(days=9))])
        assert len(results) == 1 and [type(e) for e in errors] == [VacationError], errors
        db.session.expire_all()
        assert db.session.scalars(select(Vacation.id).where(Vacation.coach_id == coach_id,
                                                            Vacation.starts_on >= first)).all() == results
