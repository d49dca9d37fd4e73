"""The field types of the import format (import-format.md): check one JSON value, return it normalised.

Each converter raises FieldError with what was expected; records.py names the record and the field.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONEY = re.compile(r"-?[0-9]+(?:\.([0-9]+))?")
# Money is stored as a 64-bit count of 1/10000 units.
_MONEY_LIMIT = Decimal(10) ** 14


class FieldError(ValueError):
    """A field's value is not what the format allows; the message says what was expected."""


def _text(raw, max_length=None, non_empty=False):
    if not isinstance(raw, str):
        raise FieldError(f"must be a string, got {_json_kind(raw)}")
    if non_empty and not raw.strip():
        raise FieldError("must not be empty")
    if "\x00" in raw:
        raise FieldError("must not contain NUL characters")
    if max_length is not None and len(raw) > max_length:
        raise FieldError(f"must be at most {max_length} characters, got {len(raw)}")
    return raw


def external_id(raw):
    """An id or a reference to one: a string of 1-64 characters."""
    if type(raw) is str and 0 < len(raw) <= 64 and "\x00" not in raw:
        return raw
    if not isinstance(raw, str):
        raise FieldError(f"must be a string id, got {_json_kind(raw)}")
    if "\x00" in raw:
        raise FieldError("must not contain NUL characters")
    if not 1 <= len(raw) <= 64:
        raise FieldError(f"must be an id of 1-64 characters, got {len(raw)}")
    return raw


def timestamp(raw):
    """ISO 8601 with an offset or Z, returned as an aware UTC datetime; a naive time is an error."""
    if not isinstance(raw, str):
        raise FieldError(f"must be an ISO 8601 timestamp string, got {_json_kind(raw)}")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"must be an ISO 8601 timestamp, got {raw!r}") from None
    tz = value.tzinfo
    if tz is UTC:
        return value
    if tz is None or value.utcoffset() is None:
        raise FieldError(f"must have an offset or Z (a time without one is ambiguous), got {raw!r}")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise FieldError(f"is out of range in UTC: {raw!r}") from None


_dates: dict[str, date] = {}  # a program's files repeat the same days over and over


def calendar_date(raw):
    """A date written YYYY-MM-DD."""
    known = _dates.get(raw) if isinstance(raw, str) else None
    if known is not None:
        return known
    if not isinstance(raw, str) or not _DATE.fullmatch(raw):
        raise FieldError(f"must be a date YYYY-MM-DD, got {raw!r}")
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"is not a real date: {raw!r}") from None
    if len(_dates) > 100_000:
        _dates.clear()
    _dates[raw] = value
    return value


def money(raw):
    """A decimal string with at most four decimal places (what the Money column keeps exactly)."""
    if not isinstance(raw, str):
        raise FieldError(f"must be a decimal string such as \"120.00\", got {_json_kind(raw)}")
    match = _MONEY.fullmatch(raw)
    if not match:
        raise FieldError(f"must be a decimal string such as \"120.00\", got {raw!r}")
    if match.group(1) and len(match.group(1)) > 4:
        raise FieldError(f"has more than 4 decimal places: {raw!r}")
    value = Decimal(raw)
    if abs(value) >= _MONEY_LIMIT:
        raise FieldError(f"is too large: {raw!r}")
    return value


def boolean(raw):
    if type(raw) is not bool:
        raise FieldError(f"must be true or false, got {_json_kind(raw)}")
    return raw


def score(raw):
    """An integer 0-10 (a JSON true is not an integer here)."""
    if type(raw) is not int:
        raise FieldError(f"must be an integer 0-10, got {_json_kind(raw)}")
    if not 0 <= raw <= 10:
        raise FieldError(f"must be an integer 0-10, got {raw}")
    return raw


def one_of(*allowed):
    def convert(raw):
        if raw not in allowed or not isinstance(raw, str):
            raise FieldError(f"must be one of {', '.join(allowed)}; got {raw!r}")
        return raw
    return convert


def text(max_length=None, non_empty=False):
    def convert(raw):
        if (type(raw) is str and (max_length is None or len(raw) <= max_length) and (not non_empty or raw.strip())
                and "\x00" not in raw):
            return raw
        return _text(raw, max_length, non_empty)  # says what is wrong
    return convert


def _json_kind(raw) -> str:
    if raw is None:
        return "null"
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, int | float):
        return f"the number {raw}"
    if isinstance(raw, str):
        return f"the string {raw!r}"
    return "an array" if isinstance(raw, list) else "an object"
