"""Months, days, periods and tenure as metrics.md defines them (all UTC), and how requests name them.

One module for every page, API, job and command that takes a month ("YYYY-MM") or a period of days
(`from`/`to`, both included): the parsing, the instants they stand for, and the marshmallow field and click
type that refuse bad input naming the field. Days and months are bounded (FIRST_DAY to LAST_DAY) so that
every bound a period or month needs, including the instant after its last day, exists as a datetime and in
the database: `9999-12-31` would need a year 10000 and used to end in an OverflowError (a 500).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import click
from marshmallow import ValidationError, fields

from helpdesk.errors import Refusal
from helpdesk.types import utcnow

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)
MAX_PERIOD_DAYS = 366
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _in_range(day: date, what: str) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{what} must lie between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}")


def parse_month(month: str | None) -> tuple[datetime, datetime]:
    """[start, end) of month "YYYY-MM" as aware UTC instants; ValueError if malformed or out of range."""
    match = _MONTH.match(month or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    year, mon = int(match.group(1)), int(match.group(2))
    _in_range(date(max(year, 1), mon, 1), "a month")
    start = datetime(year, mon, 1, tzinfo=UTC)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return start, end


def month_bounds_or_none(month: str | None) -> tuple[datetime, datetime] | None:
    """parse_month for an optional filter: None when the month is empty or not a valid month."""
    try:
        return parse_month(month)
    except ValueError:
        return None


def month_of(instant: datetime | date) -> str:
    """The "YYYY-MM" an instant (UTC) or a day falls in."""
    return f"{instant.year:04d}-{instant.month:02d}"


def current_month(now: datetime | None = None) -> str:
    """The current month "YYYY-MM" in UTC (of `now` when given)."""
    return month_of(now or utcnow())


def previous_month(now: datetime | None = None) -> str:
    """The month before the current one, "YYYY-MM"."""
    now = now or utcnow()
    return month_of(now.replace(day=1) - timedelta(days=1))


def as_utc(value: datetime) -> datetime:
    """An aware UTC instant; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def full_months(a: date, b: date) -> int:
    """Whole months from `a` to `b` (metrics.md section 2)."""
    return (b.year - a.year) * 12 + (b.month - a.month) - (1 if b.day < a.day else 0)


@dataclass
class Period:
    """Days `first` to `last`, both included: the instants [first 00:00, last+1 00:00)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first day's 00:00 UTC."""
        return datetime(self.first.year, self.first.month, self.first.day, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The 00:00 UTC after the last day (excluded)."""
        nxt = self.last + timedelta(days=1)
        return datetime(nxt.year, nxt.month, nxt.day, tzinfo=UTC)

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


class PeriodError(Refusal, ValueError):
    """A day or period refused, naming the URL argument at fault (`from`, `to`); a ValueError too, so callers
    that only need "is it valid" may catch that."""

    def __init__(self, field: str, message: str):
        super().__init__(422, message, field=field, location="query")

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def parse_day(value: str | date, field: str = "date") -> date:
    """A day given as YYYY-MM-DD (or a date already), FIRST_DAY to LAST_DAY; PeriodError naming `field` if not."""
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise PeriodError(field, f"{value!r} is not a date YYYY-MM-DD") from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PeriodError(field, f"a date must lie between {FIRST_DAY} and {LAST_DAY}")
    return value


def parse_period(first: str | date | None, last: str | date | None, today: date | None = None,
                 max_days: int = MAX_PERIOD_DAYS) -> Period:
    """The period from two days (YYYY-MM-DD or dates); default: this month up to today.

    PeriodError naming the day at fault (`from` or `to`) when one is malformed or out of range, when the
    period ends before it starts or is longer than `max_days` (None: no limit)."""
    today = today or utcnow().date()
    first_day = parse_day(first, "from") if first else today.replace(day=1)
    last_day = parse_day(last, "to") if last else max(today, first_day)
    if last_day < first_day:
        raise PeriodError("to", "the period ends before it starts")
    if max_days is not None and (last_day - first_day).days >= max_days:
        raise PeriodError("to", f"a period is at most {max_days} days")
    return Period(first_day, last_day)


class MonthField(fields.String):
    """A month "YYYY-MM" in an API schema; loads to the checked string, refuses anything else naming the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("description", "a month, YYYY-MM")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        month = super()._deserialize(value, attr, data, **kwargs)
        try:
            parse_month(month)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return month


class DayField(fields.Date):
    """A day YYYY-MM-DD of a period in an API schema (`from`, `to`), FIRST_DAY to LAST_DAY."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_day(day)
        except PeriodError as exc:
            raise ValidationError(exc.message) from None


class MonthType(click.ParamType):
    """A month "YYYY-MM" on the command line; the checked string."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        """The month, or a click usage error naming the parameter."""
        try:
            parse_month(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return value


MONTH = MonthType()
