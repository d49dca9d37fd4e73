"""coach_at (metrics.md section 1): the Python form and the SQL form agree on random assignment histories."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import aliased

from helpdesk.clients.coach_at import assignment_covers_sql, coach_at, coach_id_at, coach_id_at_sql
from helpdesk.clients.models import Assignment, SurveyResponse
from helpdesk.extensions import db

T0 = datetime(2026, 10, 1, tzinfo=UTC)
US = timedelta(microseconds=1)

# A history: segments (gap before it in minutes, its length in minutes or None for still open, which coach).
segments = st.lists(st.tuples(st.integers(0, 90), st.one_of(st.none(), st.integers(1, 120)), st.integers(0, 2)),
                    max_size=5)
probes = st.lists(st.integers(-10, 600), min_size=1, max_size=12)


def _history(raw):
    """Non-overlapping [start, end) intervals from the raw segments; an open one ends the history."""
    history, at = [], T0
    for gap, length, coach in raw:
        start = at + timedelta(minutes=gap)
        end = None if length is None else start + timedelta(minutes=length)
        history.append((start, end, coach))
        if end is None:
            break
        at = end
    return history


def _expected(history, t, coaches):
    for start, end, coach in history:
        if start <= t and (end is None or t < end):
            return coaches[coach].id
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=segments, minutes=probes)
def test_python_and_sql_coach_at_agree(raw, minutes, create_coach, create_client, assign):
    """At random instants, and exactly at and just before every boundary, the three forms give the coach whose
    [from, to) covers the instant: `coach_at` (Python), `coach_id_at_sql` (a scalar subquery) and
    `assignment_covers_sql` joined on a column of instants (as the metrics join surveys and days)."""
    with db.session.begin_nested() as savepoint:
        coaches = [create_coach() for _ in range(3)]
        client = create_client()
        history = _history(raw)
        for start, end, coach in history:
            assign(client, coaches[coach], starts_at=start, ends_at=end)
        instants = [T0 + timedelta(minutes=m) for m in minutes]
        for start, end, _ in history:
            instants += [start, start - US] + ([end, end - US] if end else [])
        for t in instants:
            db.session.add(SurveyResponse(client_id=client.id, at=t, score=5))
        db.session.flush()
        a = aliased(Assignment)
        joined = dict(db.session.execute(
            select(SurveyResponse.id, a.coach_id).outerjoin(a, assignment_covers_sql(SurveyResponse.at, a,
                                                                                     SurveyResponse.client_id))
            .where(SurveyResponse.client_id == client.id)).all())
        surveys = db.session.scalars(select(SurveyResponse).where(SurveyResponse.client_id == client.id)).all()
        for survey in surveys:
            t = survey.at
            expected = _expected(history, t, coaches)
            python = coach_at(client, t)
            assert (python.id if python else None) == expected == coach_id_at(client.id, t), t
            assert db.session.scalar(select(coach_id_at_sql(client.id, t))) == expected, t
            assert joined[survey.id] == expected, t
        savepoint.rollback()
