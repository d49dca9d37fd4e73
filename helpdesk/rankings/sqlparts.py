"""SQL building blocks shared by the metrics: the days of a month, tenure, weights and rates.

coach_at (section 1) is `helpdesk.clients.coach_at.assignment_covers_sql`. Client Success sums a weight per
(client, day); over a run of consecutive days of one month that sum has a closed form (`span_weight`, with
its SQL twin `span_weight_sql`), so the ranking never pairs every assignment with every day.
"""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Date, Integer, case, extract, literal, select, union_all

from helpdesk.types import UTCDateTime

# Base compensation rate per 10,000 by tenure in full months (metrics.md section 2).
RATE_SCALE = 10_000
RATES = ((6, 1000), (12, 300), (24, 150))
RATE_AFTER = 75


def days_table(start: datetime, end: datetime, last_start: datetime, name: str = "days"):
    """A subquery `name` of the days of [start, end) whose start is before `last_start`: columns d (date),
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
        return selects[0].subquery(name)
    return union_all(*selects).subquery(name)


def full_months_sql(joined_on, y, m, dd):
    """SQL: full_months(joined_on, date(y, m, dd)) (section 2)."""
    return ((y - extract("year", joined_on)) * 12 + (m - extract("month", joined_on))
            - case((dd < extract("day", joined_on), 1), else_=0))


def weight_sql(tenure):
    """SQL: the weight of a client with this tenure: NEW_CLIENT_WEIGHT if new, else 1."""
    config = current_app.config
    return case((tenure < int(config["NEW_CLIENT_MONTHS"]), int(config["NEW_CLIENT_WEIGHT"])), else_=1)


def span_new_days(joined_on: date | None, year: int, month: int, lo: int, hi: int, new_months: int) -> int:
    """How many days of month (year, month) numbered lo..hi (both included) a client who joined on `joined_on`
    is new (tenure < new_months, section 2); 0 for an empty span or an unknown joining date.

    Within one month, full_months(joined_on, day) is base - 1 on the days before the joining day of the month
    and base from that day on, with base = 12 * (year - joined year) + (month - joined month). So every day
    is new when base < new_months, none when base > new_months, and when base == new_months exactly the
    days before the joining day."""
    if joined_on is None or hi < lo:
        return 0
    base = (year - joined_on.year) * 12 + (month - joined_on.month)
    if base < new_months:
        return hi - lo + 1
    if base > new_months:
        return 0
    return max(0, min(hi, joined_on.day - 1) - lo + 1)


def span_weight(joined_on: date | None, year: int, month: int, lo: int, hi: int, new_months: int,
                new_weight: int) -> int:
    """The sum of w(client, day) over the days lo..hi of one month (section 2): one per day, plus
    new_weight - 1 per day the client is new."""
    if hi < lo:
        return 0
    return (hi - lo + 1) + (new_weight - 1) * span_new_days(joined_on, year, month, lo, hi, new_months)


def span_weight_sql(joined_on, year: int, month: int, lo, hi):
    """SQL twin of `span_weight` with the configured NEW_CLIENT_MONTHS and NEW_CLIENT_WEIGHT: `joined_on` a
    date column, year and month literals, lo <= hi day-of-month columns (a NULL joined_on weighs 1 a day, as
    weight_sql does)."""
    config = current_app.config
    new_months, new_weight = int(config["NEW_CLIENT_MONTHS"]), int(config["NEW_CLIENT_WEIGHT"])
    base = (year - extract("year", joined_on)) * 12 + (month - extract("month", joined_on))
    last_new = case((hi < extract("day", joined_on) - 1, hi), else_=extract("day", joined_on) - 1)
    new_days = case((base < new_months, hi - lo + 1),
                    (base == new_months, case((last_new >= lo, last_new - lo + 1), else_=0)),
                    else_=0)
    return (hi - lo + 1) + (new_weight - 1) * new_days


def rate_sql(tenure):
    """SQL: the base compensation rate per 10,000 for this tenure."""
    return case(*[(tenure < months, rate) for months, rate in RATES], else_=RATE_AFTER)


__all__ = ["RATE_SCALE", "days_table", "full_months_sql", "rate_sql", "span_new_days", "span_weight",
           "span_weight_sql", "weight_sql"]
