"""Column types shared by every feature: aware UTC timestamps and exact money."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

# Money is stored as an integer count of 1/10000 of a unit, so sums are exact in SQL on
# SQLite and PostgreSQL alike; Python sees Decimal.
MONEY_SCALE = 10_000


def utcnow() -> datetime:
    """Return the current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC time is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Money(TypeDecorator):
    """An exact decimal amount with at most four places, stored as a scaled integer."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value) * MONEY_SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {value} has more than four decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) / MONEY_SCALE


def money_from_scaled(total) -> Decimal:
    """Turn a SQL sum of raw Money columns back into a Decimal amount."""
    return Decimal(int(total or 0)) / MONEY_SCALE
