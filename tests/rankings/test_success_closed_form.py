"""Client Success weights in closed form (sqlparts.settled_day, span_weight and their SQL twins) equal the
day-by-day sums of sections 2 and 5, and client_success_sums equals section 5 computed day by day in Python
on random histories."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, Integer, literal, select

from helpdesk.clients.models import DailyGoal
from helpdesk.extensions import db
from helpdesk.periods import full_months, parse_month
from helpdesk.rankings.client_metrics import client_success_sums
from helpdesk.rankings.sqlparts import (
    day_weight_sql,
    days_since,
    settled_day,
    settled_day_sql,
    span_weight,
    span_weight_sql,
)

joined_dates = st.dates(date(2023, 1, 1), date(2027, 6, 30))
months = st.tuples(st.integers(2025, 2026), st.integers(1, 12))


def _days_in(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - date(year, month, 1)).days


def day_by_day(joined_on, year, month, lo, hi, new_months, new_weight) -> int:
    """Section 2 literally: w(client, d) for each day d of the span."""
    return sum(new_weight if full_months(joined_on, date(year, month, dd)) < new_months else 1
               for dd in range(lo, hi + 1))


@st.composite
def spans(draw):
    year, month = draw(months)
    last = _days_in(year, month)
    lo = draw(st.integers(1, last))
    hi = draw(st.integers(lo, last))
    return year, month, lo, hi


@st.composite
def joined_near(draw, span):
    """A joining date a few months before (or just after) the span's month, on any day: every case of the
    closed form (all new, none, the boundary inside the month, short months) comes up often."""
    year, month = span[0], span[1]
    back = draw(st.integers(-1, 6))
    index = year * 12 + month - 1 - back
    jy, jm = divmod(index, 12)
    return date(jy, jm + 1, min(draw(st.integers(1, 31)), _days_in(jy, jm + 1)))


cases = spans().flatmap(lambda span: st.tuples(st.one_of(joined_near(span), joined_dates), st.just(span)))


@given(case=cases, months=st.integers(0, 30))
def test_settled_day_is_where_the_tenure_reaches_the_months(case, months):
    joined_on, (year, month, _, _) = case
    settled = settled_day(joined_on, year, month, months)
    for dd in range(1, _days_in(year, month) + 1):
        assert (dd < settled) == (full_months(joined_on, date(year, month, dd)) < months), (dd, settled)


@given(case=cases, new_months=st.integers(0, 6), new_weight=st.integers(1, 20))
def test_closed_form_equals_the_day_by_day_sum(case, new_months, new_weight):
    joined_on, (year, month, lo, hi) = case
    assert span_weight(joined_on, year, month, lo, hi, new_months, new_weight) == day_by_day(
        joined_on, year, month, lo, hi, new_months, new_weight)


def test_closed_form_at_the_edges_of_tenure():
    # Joined 08-31: on 11-30 tenure is 2 (new), from 12-01 on 3: the short month's end moves the boundary.
    assert span_weight(date(2026, 8, 31), 2026, 11, 1, 30, 3, 10) == 300
    assert span_weight(date(2026, 8, 31), 2026, 12, 1, 31, 3, 10) == 31
    # Joined 08-20: new on Nov 1..19 only.
    assert settled_day(date(2026, 8, 20), 2026, 11, 3) == 20
    assert span_weight(date(2026, 8, 20), 2026, 11, 1, 30, 3, 10) == 19 * 10 + 11
    assert span_weight(date(2026, 8, 20), 2026, 11, 20, 30, 3, 10) == 11
    assert span_weight(None, 2026, 11, 1, 30, 3, 10) == 30          # no joining date: weight 1, as weight_sql


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=st.lists(cases, min_size=1, max_size=8), months=st.integers(0, 30))
def test_sql_twins_equal_the_python_closed_form(drawn, months, app):
    new_months, new_weight = int(app.config["NEW_CLIENT_MONTHS"]), int(app.config["NEW_CLIENT_WEIGHT"])
    for joined_on, (year, month, lo, hi) in drawn:
        joined = literal(joined_on, Date())
        assert db.session.scalar(select(settled_day_sql(joined, year, month, months))) == settled_day(
            joined_on, year, month, months)
        settled = settled_day_sql(joined, year, month, new_months)
        total = span_weight_sql(settled, literal(lo, Integer()), literal(hi, Integer()))
        assert db.session.scalar(select(total)) == span_weight(joined_on, year, month, lo, hi, new_months,
                                                               new_weight), (joined_on, year, month, lo, hi)
        day = days_since(literal(date(year, month, hi), Date()), date(year, month, 1)) + 1
        assert db.session.scalar(select(day)) == hi
        assert db.session.scalar(select(day_weight_sql(settled, day))) == day_by_day(
            joined_on, year, month, hi, hi, new_months, new_weight)


M_START, M_END = parse_month("2026-11")
# A client's history around November: segments (gap in hours, length in hours or None for open, which coach).
segments = st.lists(st.tuples(st.integers(0, 400), st.one_of(st.none(), st.integers(1, 500)), st.integers(0, 2)),
                    min_size=1, max_size=4)
clients = st.lists(st.tuples(st.dates(date(2026, 6, 1), date(2026, 12, 15)), segments,
                             st.lists(st.tuples(st.integers(-3, 33), st.booleans()), max_size=12)),
                   min_size=1, max_size=4)


def _history(raw, origin):
    history, at = [], origin
    for gap, length, coach in raw:
        begins = at + timedelta(hours=gap)
        ends = None if length is None else begins + timedelta(hours=length)
        history.append((begins, ends, coach))
        if ends is None:
            break
        at = ends
    return history


def _coach_on(history, day_start):
    for begins, ends, coach in history:
        if begins <= day_start and (ends is None or day_start < ends):
            return coach
    return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw_clients=clients, origin_hours=st.integers(-300, 200), as_of_hours=st.integers(0, 800),
       midnight=st.booleans())
def test_client_success_sums_is_section_5_day_by_day(raw_clients, origin_hours, as_of_hours, midnight, app,
                                                     create_coach, create_client, assign):
    """Assignments starting and ending at any hour around and inside the month (often exactly at 00:00), goals
    on and off the month's days, T anywhere: the SQL sums equal section 5 summed day by day in Python."""
    new_months, new_weight = int(app.config["NEW_CLIENT_MONTHS"]), int(app.config["NEW_CLIENT_WEIGHT"])
    as_of = M_START + (timedelta(days=as_of_hours // 24) if midnight else timedelta(hours=as_of_hours))
    with db.session.begin_nested() as savepoint:
        coaches = [create_coach() for _ in range(3)]
        expected: dict[int, list[int]] = {}
        for joined_on, raw, goal_days in raw_clients:
            client = create_client(joined_on=joined_on)
            origin = M_START + timedelta(hours=origin_hours)
            history = _history(raw, origin.replace(hour=0) if midnight else origin)
            for begins, ends, coach in history:
                assign(client, coaches[coach], starts_at=begins, ends_at=ends)
            hits = {}
            for offset, hit in goal_days:
                day = M_START.date() + timedelta(days=offset)
                hits[day] = hit
            for day, hit in hits.items():
                db.session.add(DailyGoal(client_id=client.id, date=day, hit=hit))
            day = M_START
            while day < M_END and day + timedelta(days=1) <= as_of:
                coach = _coach_on(history, day)
                if coach is not None:
                    w = new_weight if full_months(joined_on, day.date()) < new_months else 1
                    sums = expected.setdefault(coaches[coach].id, [0, 0])
                    sums[0] += w
                    sums[1] += w if hits.get(day.date()) else 0
                day += timedelta(days=1)
        db.session.flush()
        assert client_success_sums(M_START, M_END, as_of) == {cid: tuple(s) for cid, s in expected.items()}
        savepoint.rollback()


def test_a_period_over_two_months_is_refused():
    with pytest.raises(ValueError, match="one month"):
        client_success_sums(datetime(2026, 10, 30, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC),
                            datetime(2026, 12, 1, tzinfo=UTC))
