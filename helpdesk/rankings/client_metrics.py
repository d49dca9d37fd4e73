"""Client Success (section 5), Client Happiness (section 6) and compensation sums (section 8) in SQL."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    extract,
    func,
    literal,
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
from helpdesk.rankings.sqlparts import (
    day_weight_sql,
    days_since,
    days_table,
    full_months_sql,
    rate_sql,
    settled_day_sql,
    span_weight_sql,
    weight_sql,
)


def client_success_sums(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int]]:
    """coach id -> (sum of weights, sum of weights of hits) over the days of M finished by T (section 5).

    Each assignment covers a run of consecutive days of M (all of them, for most): their weights add up in
    closed form (sqlparts.span_weight_sql), and the hits are the Daily Goals of the run's days, each credited
    to coach_on(client, day). So no assignment is paired with every day, and no client's other months are
    read (the goals are found by their date)."""
    last_start = as_of - timedelta(days=1) + timedelta(microseconds=1)
    day_starts = counted_days(start, end, last_start)
    if not day_starts:
        return {}
    first, last = day_starts[0], day_starts[-1]
    spans = _covered_runs(start, end, last_start, first, last)
    g = DailyGoal
    goal_day = days_since(g.date, first.date().replace(day=1)) + 1
    parts = union_all(
        select(spans.c.coach_id, span_weight_sql(spans.c.settled, spans.c.lo, spans.c.hi).label("total"),
               literal(0, Integer()).label("hits")),
        select(spans.c.coach_id, literal(0, Integer()).label("total"),
               day_weight_sql(spans.c.settled, goal_day).label("hits"))
        .join(g, and_(g.client_id == spans.c.client_id, goal_day >= spans.c.lo, goal_day <= spans.c.hi))
        .where(g.date >= first.date(), g.date <= last.date(), g.hit == true()),
    ).subquery("parts")
    per_coach = (select(parts.c.coach_id, func.sum(parts.c.total).label("total"),
                        func.sum(parts.c.hits).label("hits")).group_by(parts.c.coach_id).subquery("per_coach"))
    return {row.coach_id: (int(row.total), int(row.hits)) for row in db.session.execute(_coaches_only(per_coach))}


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


def _covered_runs(start: datetime, end: datetime, last_start: datetime, first: datetime, last: datetime):
    """CTE (coach_id, client_id, settled, lo, hi): for each assignment that is coach_on(client, day) for a
    counted day (00:00 of `first` to `last`), the first and last such day of the month (lo <= hi), and the
    client's settled_day (the first day of the month on which the client is no longer new).

    Most assignments cover every counted day. One that starts in them covers the days from the one its start
    falls on (from the next when it starts after 00:00); one that ends in them, the days before the one its
    end falls on (that one too when it ends after 00:00): each looks its day up by date, an equality."""
    a = aliased(Assignment)
    starts_in, ends_in = days_table(start, end, last_start, "starts_in"), days_table(start, end, last_start, "ends_in")
    lo = case((a.starts_at <= first, first.day),
              else_=starts_in.c.dd + case((a.starts_at > starts_in.c.d_start, 1), else_=0))
    hi = case((or_(a.ends_at.is_(None), a.ends_at > last), last.day),
              else_=ends_in.c.dd - 1 + case((a.ends_at > ends_in.c.d_start, 1), else_=0))
    client = aliased(User)
    settled = settled_day_sql(client.joined_on, first.year, first.month, int(current_app.config["NEW_CLIENT_MONTHS"]))
    runs = (select(a.coach_id, a.client_id, settled.label("settled"), lo.label("lo"), hi.label("hi"))
            .join(client, client.id == a.client_id)
            .outerjoin(starts_in, starts_in.c.d == func.date(a.starts_at))
            .outerjoin(ends_in, ends_in.c.d == func.date(a.ends_at))
            .where(a.starts_at <= last, or_(a.ends_at.is_(None), a.ends_at > first))
            .subquery("runs"))
    return select(runs).where(runs.c.lo <= runs.c.hi).cte("spans")


def _coaches_only(per_coach):
    """The rows of a per-coach aggregate whose coach_id is a coach's. Joined after aggregating: joined before,
    PostgreSQL takes it for a filter that keeps 2 % of the rows and plans nested loops for millions."""
    coach = aliased(User)
    return select(per_coach).join(coach, and_(coach.id == per_coach.c.coach_id, coach.role == "coach"))


def client_happiness_sums(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int, int]]:
    """coach id -> (sum of weights, weighted promoters, weighted detractors) of the surveys in M before T."""
    a = aliased(Assignment)
    client = aliased(User)
    s = SurveyResponse
    weight = weight_sql(full_months_sql(client.joined_on, extract("year", s.at), extract("month", s.at),
                                        extract("day", s.at)))
    per_coach = (
        select(a.coach_id, func.sum(weight).label("total"),
               func.sum(case((s.score >= 9, weight), else_=0)).label("promoters"),
               func.sum(case((s.score <= 6, weight), else_=0)).label("detractors"))
        .select_from(s)
        .join(a, assignment_covers_sql(s.at, a, s.client_id))
        .join(client, client.id == s.client_id)
        .where(s.at >= start, s.at < min(end, as_of))
        .group_by(a.coach_id)
    ).subquery("per_coach")
    return {row.coach_id: (int(row.total), int(row.promoters), int(row.detractors))
            for row in db.session.execute(_coaches_only(per_coach))}


def compensation_sums(start: datetime, end: datetime, as_of: datetime) -> dict[tuple[int, str], int]:
    """(coach id, kind) -> sum of amount * rate over the profit records dated in M before T, as an
    exact integer in units of 1/10,000 (money scale) x 1/10,000 (rate scale)."""
    days = days_table(start, end, as_of)
    a = aliased(Assignment)
    client = aliased(User)
    p = ProfitRecord
    rate = rate_sql(full_months_sql(client.joined_on, days.c.y, days.c.m, days.c.dd))
    per_coach = (
        select(a.coach_id, p.kind, func.sum(type_coerce(p.amount, BigInteger) * rate).label("total"))
        .select_from(p)
        .join(days, p.date == days.c.d)
        .join(a, assignment_covers_sql(days.c.d_start, a, p.client_id))
        .join(client, client.id == p.client_id)
        .where(p.date >= start.date(), p.date <= (end - timedelta(microseconds=1)).date())  # by date: the index
        .group_by(a.coach_id, p.kind)
    ).subquery("per_coach")
    return {(row.coach_id, row.kind): int(row.total or 0) for row in db.session.execute(_coaches_only(per_coach))}
