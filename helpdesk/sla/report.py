"""Per-coach response-time statistics for any period, from the waits table (metrics.md section 3).

The samples are `helpdesk.sla.samples.samples_query`, the very query the ranking aggregates, asked for the
coaches shown only (so a team's page reads its team's waits, not the whole desk's). Everything
is integer microseconds in SQL; median and p90 come from window functions, so no rows are loaded.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, false, func, select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.periods import MAX_PERIOD_DAYS, Period, parse_period  # noqa: F401  (the one periods module)
from helpdesk.sla.samples import US, limits_us, samples_query
from helpdesk.types import utcnow

EPOCH_DAY = date(1970, 1, 1)


@dataclass
class CoachSla:
    """One coach's samples in a period; times in seconds, `None` without samples."""

    coach: User
    samples: int = 0
    breaches: int = 0
    met_target: int = 0
    total_us: int = 0
    median_us2: int = 0  # twice the median, so an even count's midpoint stays an integer
    p90_us: int | None = None

    @property
    def mean_seconds(self) -> float | None:
        return self.total_us / self.samples / US if self.samples else None

    @property
    def median_seconds(self) -> float | None:
        return self.median_us2 / 2 / US if self.samples else None

    @property
    def p90_seconds(self) -> float | None:
        return self.p90_us / US if self.samples else None

    @property
    def share_within_target(self) -> float | None:
        return self.met_target / self.samples if self.samples else None


def quick_periods(today: date) -> list[tuple[str, Period]]:
    """The periods a team leader picks most often, for one-click links beside the form."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [("This month", Period(month_start, today)),
            ("Last month", Period(last_month_end.replace(day=1), last_month_end)),
            ("Last 7 days", Period(today - timedelta(days=6), today)),
            ("Last 30 days", Period(today - timedelta(days=29), today))]


def visible_coaches(viewer: User) -> list[User]:
    """The coaches whose figures `viewer` may see: a team leader's team, every coach for an admin."""
    query = select(User).where(User.role == "coach").order_by(User.name, User.id)
    if viewer.role == "team_leader":
        query = query.where(User.reports_to_id == viewer.id)
    elif viewer.role != "admin":
        query = query.where(User.id == viewer.id) if viewer.role == "coach" else query.where(false())
    return list(db.session.scalars(query))


def coach_statistics(coaches: list[User], period: Period, as_of: datetime | None = None) -> list[CoachSla]:
    """Samples, breaches, mean, median, p90 and share within the target for each of `coaches`."""
    as_of = as_of or utcnow()
    rows = {c.id: CoachSla(coach=c) for c in coaches}
    if not rows:
        return []
    s = samples_query(period.start, period.end, as_of, coach_ids=rows)
    ranked = select(
        s.c.coach_id, s.c.duration_us,
        func.row_number().over(partition_by=s.c.coach_id, order_by=s.c.duration_us).label("rn"),
        func.count().over(partition_by=s.c.coach_id).label("n"),
    ).subquery("ranked")
    sla_us, target_us = limits_us()
    r = ranked.c

    def at_rank(position):
        return func.coalesce(func.sum(case((r.rn == position, r.duration_us), else_=0)), 0)

    query = select(
        r.coach_id, func.count().label("samples"),
        func.sum(case((r.duration_us > sla_us, 1), else_=0)).label("breaches"),
        func.sum(case((r.duration_us <= target_us, 1), else_=0)).label("met_target"),
        func.sum(r.duration_us).label("total_us"),
        (at_rank((r.n + 1) // 2) + at_rank(r.n // 2 + 1)).label("median_us2"),
        at_rank((r.n * 9 + 9) // 10).label("p90_us"),  # nearest rank: the ceil(0.9 n)-th smallest
    ).group_by(r.coach_id)
    for row in db.session.execute(query):
        stats = rows[row.coach_id]
        stats.samples, stats.breaches, stats.met_target = int(row.samples), int(row.breaches), int(row.met_target)
        stats.total_us, stats.median_us2, stats.p90_us = int(row.total_us), int(row.median_us2), int(row.p90_us)
    return list(rows.values())


def daily_counts(coaches: list[User], period: Period, as_of: datetime | None = None) -> list[tuple[date, int, int]]:
    """(day, samples, breaches) for every day of the period, over `coaches` together."""
    as_of = as_of or utcnow()
    by_day = {}
    if coaches:
        s = samples_query(period.start, period.end, as_of, coach_ids=[c.id for c in coaches])
        sla_us, _ = limits_us()
        query = select(s.c.day, func.count(), func.sum(case((s.c.duration_us > sla_us, 1), else_=0))).group_by(s.c.day)
        by_day = {EPOCH_DAY + timedelta(days=int(day)): (int(n), int(b)) for day, n, b in db.session.execute(query)}
    return [(d, *by_day.get(d, (0, 0))) for d in period.days()]
