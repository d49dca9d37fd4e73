"""SQL building blocks shared by the metrics: the days of a month, tenure, weights and rates.

coach_at (section 1) is `helpdesk.clients.coach_at.assignment_covers_sql`."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Date, Integer, case, extract, literal, select, union_all

from helpdesk.types import UTCDateTime

# Base compensation rate per 10,000 by tenure in full months (metrics.md section 2).
RATE_SCALE = 10_000
RATES = ((6, 1000), (12, 300), (24, 150))
RATE_AFTER = 75


def days_table(start: datetime, end: datetime, last_start: datetime):
    """A subquery of the days of [start, end) whose start is before `last_start`: columns d (date),
    d_start (instant), y, m, dd (integers). At most 31 literal rows, not data-dependent."""
    selects = []
    day = start
    while day < end and day < last_start:
        selects.append(select(literal(day.date(), Date()).label("d"), literal(day, UTCDateTime()).label("d_start"),
                              literal(day.year, Integer()).label("y"), literal(day.month, Integer()).label("m"),
                              literal(day.day, Integer()).label("dd")))
        day += timedelta(days=1)
    if not selects:  # an empty table of the same shape
        day = start
        selects.append(select(literal(day.date(), Date()).label("d"), literal(day, UTCDateTime()).label("d_start"),
                              literal(0, Integer()).label("y"), literal(0, Integer()).label("m"),
                              literal(0, Integer()).label("dd")).where(literal(1) == literal(0)))
    if len(selects) == 1:
        return selects[0].subquery("days")
    return union_all(*selects).subquery("days")


def full_months_sql(joined_on, y, m, dd):
    """SQL: full_months(joined_on, date(y, m, dd)) (section 2)."""
    return ((y - extract("year", joined_on)) * 12 + (m - extract("month", joined_on))
            - case((dd < extract("day", joined_on), 1), else_=0))


def weight_sql(tenure):
    """SQL: the weight of a client with this tenure: NEW_CLIENT_WEIGHT if new, else 1."""
    config = current_app.config
    return case((tenure < int(config["NEW_CLIENT_MONTHS"]), int(config["NEW_CLIENT_WEIGHT"])), else_=1)


def rate_sql(tenure):
    """SQL: the base compensation rate per 10,000 for this tenure."""
    return case(*[(tenure < months, rate) for months, rate in RATES], else_=RATE_AFTER)


__all__ = ["RATE_SCALE", "days_table", "full_months_sql", "rate_sql", "weight_sql"]
