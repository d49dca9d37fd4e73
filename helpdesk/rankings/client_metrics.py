"""Client Success (section 5), Client Happiness (section 6) and compensation sums (section 8) in SQL."""

from datetime import datetime, timedelta

from sqlalchemy import BigInteger, and_, case, extract, func, select, true, type_coerce
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.rankings.sqlparts import days_table, full_months_sql, rate_sql, weight_sql


def _coach_join(query, assignment):
    coach = aliased(User)
    return query.join(coach, and_(coach.id == assignment.coach_id, coach.role == "coach"))


def client_success_sums(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int]]:
    """coach id -> (sum of weights, sum of weights of hits) over the days of M finished by T."""
    days = days_table(start, end, as_of - timedelta(days=1) + timedelta(microseconds=1))
    a = aliased(Assignment)
    client = aliased(User)
    weight = weight_sql(full_months_sql(client.joined_on, days.c.y, days.c.m, days.c.dd))
    query = (
        select(a.coach_id, func.sum(weight).label("total"),
               func.sum(case((DailyGoal.hit == true(), weight), else_=0)).label("hits"))
        .select_from(days)
        .join(a, assignment_covers_sql(days.c.d_start, a))
        .join(client, client.id == a.client_id)
        .outerjoin(DailyGoal, and_(DailyGoal.client_id == a.client_id, DailyGoal.date == days.c.d))
        .group_by(a.coach_id)
    )
    query = _coach_join(query, a)
    return {row.coach_id: (int(row.total), int(row.hits)) for row in db.session.execute(query)}


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
