"""SQL building blocks shared by the metrics: the days of a month, tenure, weights and rates.

coach_at (section 1) is `helpdesk.clients.coach_at.assignment_covers_sql`. Client Success sums a weight per
(client, day); over a run of consecutive days of one month that sum has a closed form (`span_weight`, with
its SQL twin `span_weight_sql`), so the ranking never pairs every assignment with every day.
"""

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Date, Integer, case, extract, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

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


def settled_day(joined_on: date | None, year: int, month: int, months: int) -> int:
    """The first day of month (year, month) on which a client who joined on `joined_on` has a tenure of at least
    `months` full months (section 2): 1 when all month long, 32 when on no day of it; the days before it have
    less. An unknown joining date counts as settled from day 1 (weight 1, as weight_sql gives it).

    Within one month, full_months(joined_on, day) is base - 1 on the days before the joining day of the month
    and base from it on, with base = 12 * (year - joined year) + (month - joined month): so every day has
    less when base < months, none when base > months, and when base == months the days before the joining
    day."""
    if joined_on is None:
        return 1
    base = (year - joined_on.year) * 12 + (month - joined_on.month)
    return 32 if base < months else joined_on.day if base == months else 1


def span_weight(joined_on: date | None, year: int, month: int, lo: int, hi: int, new_months: int,
                new_weight: int) -> int:
    """The sum of w(client, day) over the days lo..hi (both included) of one month (section 2) in closed
    form: one per day, plus new_weight - 1 per day before the client's settled_day."""
    if hi < lo:
        return 0
    new_days = max(0, min(hi + 1, settled_day(joined_on, year, month, new_months)) - lo)
    return (hi - lo + 1) + (new_weight - 1) * new_days


class days_since(FunctionElement):
    """SQL: whole days from the date `origin` (a Python date) to a date column, as an integer."""

    type = Integer()
    inherit_cache = True
    name = "days_since"

    def __init__(self, day, origin: date):
        super().__init__(day, literal(origin, Date()))


@compiles(days_since)
def _days_since(element, compiler, **kw):
    day, origin = element.clauses
    return f"({compiler.process(day, **kw)} - {compiler.process(origin, **kw)})"  # PostgreSQL: date - date


@compiles(days_since, "sqlite")
def _days_since_sqlite(element, compiler, **kw):
    day, origin = element.clauses
    return f"CAST(julianday({compiler.process(day, **kw)}) - julianday({compiler.process(origin, **kw)}) AS INTEGER)"


def _first_of_month(year: int, month: int, offset: int) -> date:
    index = year * 12 + month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def settled_day_sql(joined_on, year: int, month: int, months: int):
    """SQL twin of `settled_day` for a date column: comparisons with two dates and a day count, no
    arithmetic on the parts of the date (PostgreSQL's EXTRACT is numeric, and slow per row)."""
    month_joined_at_base = _first_of_month(year, month, -months)
    month_after = _first_of_month(year, month, -months + 1)
    return case((joined_on >= month_after, 32),
                (joined_on >= month_joined_at_base, days_since(joined_on, month_joined_at_base) + 1),
                else_=1)


def span_weight_sql(settled, lo, hi):
    """SQL twin of `span_weight`, for columns: the client's settled_day for NEW_CLIENT_MONTHS, and lo <= hi."""
    new_weight = int(current_app.config["NEW_CLIENT_WEIGHT"])
    new_days = case((settled <= lo, 0), (settled > hi, hi - lo + 1), else_=settled - lo)
    return (hi - lo + 1) + (new_weight - 1) * new_days


def day_weight_sql(settled, day):
    """SQL: w(client, day) for a day-of-month column, from the client's settled_day for NEW_CLIENT_MONTHS."""
    return case((day < settled, int(current_app.config["NEW_CLIENT_WEIGHT"])), else_=1)


def rate_sql(tenure):
    """SQL: the base compensation rate per 10,000 for this tenure."""
    return case(*[(tenure < months, rate) for months, rate in RATES], else_=RATE_AFTER)


__all__ = ["RATE_SCALE", "day_weight_sql", "days_since", "days_table", "full_months_sql", "rate_sql", "settled_day",
           "settled_day_sql", "span_weight", "span_weight_sql", "weight_sql"]
