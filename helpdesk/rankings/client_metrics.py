"""Client Success (section 5), Client Happiness (section 6) and compensation sums (section 8) in SQL."""

from datetime import datetime, timedelta

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    extract,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.rankings.sqlparts import days_table, full_months_sql, rate_sql, span_weight_sql, weight_sql


def _coach_join(query, assignment):
    coach = aliased(User)
    return query.join(coach, and_(coach.id == assignment.coach_id, coach.role == "coach"))


def client_success_sums(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int]]:
    """coach id -> (sum of weights, sum of weights of hits) over the days of M finished by T (section 5).

    Each assignment covers a run of consecutive days of M (all of them, for most), whose weights add up in
    closed form (sqlparts.span_weight_sql); the hits come from the Daily Goals of those days only, each
    credited to coach_on(client, day). So no assignment is paired with every day, and no client's other
    months are read."""
    last_start = as_of - timedelta(days=1) + timedelta(microseconds=1)
    day_starts = counted_days(start, end, last_start)
    if not day_starts:
        return {}
    totals = _success_weights(start, end, last_start, day_starts[0], day_starts[-1])
    hits = _success_hits(start, end, last_start, day_starts[0], day_starts[-1])
    return {coach_id: (total, hits.get(coach_id, 0)) for coach_id, total in totals.items()}


def counted_days(start: datetime, end: datetime, last_start: datetime) -> list[datetime]:
    """The 00:00 of each day of [start, end) that starts before `last_start`, all in one calendar month (the
    closed form adds up days of one month); ValueError for a period over two months."""
    days = []
    day = start
    while day < end and day < last_start:
        days.append(day)
        day += timedelta(days=1)
    if days and (days[0].year, days[0].month) != (days[-1].year, days[-1].month):
        raise ValueError("Client Success is summed over the days of one month")
    return days


def _success_weights(start: datetime, end: datetime, last_start: datetime, first: datetime,
                     last: datetime) -> dict[int, int]:
    """coach id -> the sum of w(client, day) over the counted days `first`..`last` (00:00 of each) on which
    the coach is coach_on(client, day)."""
    a = aliased(Assignment)
    covers_all = and_(a.starts_at <= first, or_(a.ends_at.is_(None), a.ends_at > last))
    whole = select(a.coach_id, a.client_id, literal(first.day, Integer()).label("lo"),
                   literal(last.day, Integer()).label("hi")).where(covers_all)
    # The few assignments that start or end within the counted days: their run of days, one row each.
    days = days_table(start, end, last_start)
    b = aliased(Assignment)
    covers_part = and_(b.starts_at <= last, or_(b.ends_at.is_(None), b.ends_at > first),
                       not_(and_(b.starts_at <= first, or_(b.ends_at.is_(None), b.ends_at > last))))
    part = (select(b.coach_id, b.client_id, func.min(days.c.dd).label("lo"), func.max(days.c.dd).label("hi"))
            .select_from(days).join(b, assignment_covers_sql(days.c.d_start, b))
            .where(covers_part).group_by(b.id, b.coach_id, b.client_id))
    spans = union_all(whole, part).subquery("spans")
    client = aliased(User)
    coach = aliased(User)
    query = (
        select(spans.c.coach_id,
               func.sum(span_weight_sql(client.joined_on, first.year, first.month, spans.c.lo, spans.c.hi)))
        .join(client, client.id == spans.c.client_id)
        .join(coach, and_(coach.id == spans.c.coach_id, coach.role == "coach"))
        .group_by(spans.c.coach_id)
    )
    return {coach_id: int(total) for coach_id, total in db.session.execute(query)}


def _success_hits(start: datetime, end: datetime, last_start: datetime, first: datetime,
                  last: datetime) -> dict[int, int]:
    """coach id -> the sum of w(client, day) over the Daily Goals hit on the counted days, credited to
    coach_on(client, day)."""
    days = days_table(start, end, last_start)
    a = aliased(Assignment)
    client = aliased(User)
    g = DailyGoal
    weight = weight_sql(full_months_sql(client.joined_on, days.c.y, days.c.m, days.c.dd))
    query = (
        select(a.coach_id, func.sum(weight))
        .select_from(g)
        .join(days, days.c.d == g.date)
        .join(a, assignment_covers_sql(days.c.d_start, a, g.client_id))
        .join(client, client.id == g.client_id)
        .where(g.date >= first.date(), g.date <= last.date(), g.hit == true())
        .group_by(a.coach_id)
    )
    query = _coach_join(query, a)
    return {coach_id: int(total) for coach_id, total in db.session.execute(query)}


def client_happiness_sums(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int, int]]:
    """coach id -> (sum of weights, weighted promoters, weighted detractors) of the surveys in M before T."""
    a = aliased(Assignment)
    client = aliased(User)
    s = SurveyResponse
    weight = weight_sql(full_months_sql(client.joined_on, extract("year", s.at), extract("month", s.at),
                                        extract("day", s.at)))
    query = (
        select(a.coach_id, func.sum(weight).label("total"),
               func.sum(case((s.score >= 9, weight), else_=0)).label("promoters"),
               func.sum(case((s.score <= 6, weight), else_=0)).label("detractors"))
        .select_from(s)
        .join(a, assignment_covers_sql(s.at, a, s.client_id))
        .join(client, client.id == s.client_id)
        .where(s.at >= start, s.at < min(end, as_of))
        .group_by(a.coach_id)
    )
    query = _coach_join(query, a)
    return {row.coach_id: (int(row.total), int(row.promoters), int(row.detractors))
            for row in db.session.execute(query)}


def compensation_sums(start: datetime, end: datetime, as_of: datetime) -> dict[tuple[int, str], int]:
    """(coach id, kind) -> sum of amount * rate over the profit records dated in M before T, as an
    exact integer in units of 1/10,000 (money scale) x 1/10,000 (rate scale)."""
    days = days_table(start, end, as_of)
    a = aliased(Assignment)
    client = aliased(User)
    p = ProfitRecord
    rate = rate_sql(full_months_sql(client.joined_on, days.c.y, days.c.m, days.c.dd))
    query = (
        select(a.coach_id, p.kind, func.sum(type_coerce(p.amount, BigInteger) * rate).label("total"))
        .select_from(p)
        .join(days, p.date == days.c.d)
        .join(a, assignment_covers_sql(days.c.d_start, a, p.client_id))
        .join(client, client.id == p.client_id)
        .group_by(a.coach_id, p.kind)
    )
    query = _coach_join(query, a)
    return {(row.coach_id, row.kind): int(row.total or 0) for row in db.session.execute(query)}
