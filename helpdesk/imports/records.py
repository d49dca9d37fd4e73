"""One line of the import format (import-format.md): parse it, check each field, normalise the values.

Everything here looks at a single line; what needs other lines or the database lives in checker.py.
"""

import json
import json.scanner
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from helpdesk.auth.models import ROLES

# The types of the format, in the order of its table (also the order of the summary).
TYPES = ("user", "assignment", "thread", "message", "audit", "daily_goal", "survey", "profit", "listing",
         "moderation", "vacation")
# Types whose records carry an `id` others may refer to.
ID_TYPES = ("user", "thread", "message", "audit", "listing")

_scan = json.scanner.make_scanner(json.JSONDecoder())
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


# Per type: (field, converter, required). A null optional field is the same as an absent one.
FIELDS = {
    "user": (("id", external_id, True), ("role", one_of(*ROLES), True), ("name", text(200, True), True),
             ("email", text(254, True), False), ("reports_to", external_id, False),
             ("joined_on", calendar_date, False), ("moderation_trained", boolean, False)),
    "assignment": (("client", external_id, True), ("coach", external_id, True), ("from", timestamp, True),
                   ("to", timestamp, False)),
    "thread": (("id", external_id, True), ("client", external_id, True), ("subject", text(300), False)),
    "message": (("id", external_id, True), ("thread", external_id, True), ("author", external_id, True),
                ("sent_at", timestamp, True), ("body", text(), True)),
    "audit": (("id", external_id, True), ("message", external_id, True), ("auditor", external_id, True),
              ("color", one_of("green", "blue", "yellow"), True), ("at", timestamp, True),
              ("comment", text(), False)),
    "daily_goal": (("client", external_id, True), ("date", calendar_date, True), ("hit", boolean, True)),
    "survey": (("client", external_id, True), ("at", timestamp, True), ("score", score, True)),
    "profit": (("client", external_id, True), ("date", calendar_date, True), ("amount", money, True),
               ("kind", one_of("profit", "ad_credit"), True)),
    "listing": (("id", external_id, True), ("seller", external_id, True), ("title", text(300, True), True),
                ("submitted_at", timestamp, True), ("description", text(), False)),
    "moderation": (("listing", external_id, True), ("moderator", external_id, True),
                   ("decision", one_of("approve", "reject"), True), ("at", timestamp, True),
                   ("reason", text(), False)),
    "vacation": (("coach", external_id, True), ("from", calendar_date, True), ("to", calendar_date, True)),
}
_ALLOWED = {kind: frozenset(name for name, _, _ in fields) | {"type"} for kind, fields in FIELDS.items()}


class Record:
    """A parsed line: its type and its normalised field values."""

    __slots__ = ("kind", "values")

    def __init__(self, kind: str, values: dict):
        self.kind = kind
        self.values = values

    @property
    def label(self) -> str:
        """How error messages name the record: its type, and its id if it has one."""
        ext = self.values.get("id")
        return f'{self.kind} "{ext}"' if ext is not None else self.kind


def parse_line(line: str | bytes) -> tuple[Record | None, list[str]]:
    """Parse one line. Returns (record, []) or (record or None, messages) when something is wrong."""
    try:
        text_line = line.decode() if isinstance(line, bytes) else line
    except UnicodeDecodeError:
        return None, ["not valid UTF-8"]
    try:
        obj, end = _scan(text_line, 0)  # the C scanner directly: most lines are one bare object
        if end != len(text_line) and not text_line[end:].isspace():
            raise ValueError
    except (StopIteration, ValueError):
        try:
            obj = json.loads(text_line)  # leading whitespace, or an error worth explaining
        except ValueError as exc:
            return None, [f"not valid JSON: {exc}"]
    if not isinstance(obj, dict):
        return None, ["not a JSON object"]
    kind = obj.get("type")
    if kind is None:
        return None, ['missing required field "type"']
    if not isinstance(kind, str) or kind not in FIELDS:
        return None, [f"unknown type {kind!r} (expected one of {', '.join(TYPES)})"]
    values = {}
    errors = []
    for name, convert, required in FIELDS[kind]:
        raw = obj.get(name)
        if raw is None:
            if required:
                errors.append((name, "missing"))
            values[name] = None
            continue
        try:
            values[name] = convert(raw)
        except FieldError as exc:
            errors.append((name, str(exc)))
            values[name] = None
    if errors or not obj.keys() <= _ALLOWED[kind] or kind in _CROSS_CHECKED:
        return _explain(obj, kind, values, errors)
    return Record(kind, values), errors


_CROSS_CHECKED = frozenset({"user", "assignment", "vacation"})


def _explain(obj, kind, values, field_errors) -> tuple[Record, list[str]]:
    """The slow path of parse_line: turn what was found into messages naming the record."""
    raw_id = obj.get("id")
    label = f'{kind} "{raw_id}"' if isinstance(raw_id, str) else kind
    errors = [f'{label}: missing required field "{name}"' if problem == "missing"
              else f'{label}: field "{name}" {problem}' for name, problem in field_errors]
    unknown = obj.keys() - _ALLOWED[kind]
    if unknown:
        names = ", ".join(f'"{n}"' for n in sorted(unknown))
        errors.append(f"{label}: unknown field(s) {names} (a {kind} has: {', '.join(_field_names(kind))})")
    errors.extend(_cross_field_errors(kind, values, label))
    return Record(kind, values), errors


def _field_names(kind: str) -> list[str]:
    return [name for name, _, _ in FIELDS[kind]]


def _cross_field_errors(kind: str, v: dict, label: str) -> list[str]:
    errors = []
    if kind == "user":
        role = v["role"]
        if role == "client" and v["joined_on"] is None:
            errors.append(f'{label}: field "joined_on" is required for clients')
        if v["reports_to"] is not None and role not in (None, "coach"):
            errors.append(f'{label}: only coaches have "reports_to" (this user is a {role})')
        if v["moderation_trained"] and role not in (None, "coach"):
            errors.append(f'{label}: only coaches can be "moderation_trained" (this user is a {role})')
    elif kind == "assignment":
        if v["from"] is not None and v["to"] is not None and v["to"] <= v["from"]:
            errors.append(f'{label}: "to" must be after "from"')
    elif kind == "vacation":
        if v["from"] is not None and v["to"] is not None and v["to"] < v["from"]:
            errors.append(f'{label}: "to" must not be before "from"')
    return errors


def fingerprint(record: Record) -> tuple:
    """The fields that must be equal for a line to be the same record as a stored row (or an earlier line).

    For id types the id is left out (it is the key); references are external ids."""
    v = record.values
    kind = record.kind
    if kind == "user":
        return (v["role"], v["name"], v["email"], v["reports_to"], v["joined_on"], bool(v["moderation_trained"]))
    if kind == "thread":
        return (v["client"], v["subject"] or "")
    if kind == "message":
        return (v["thread"], v["author"], v["sent_at"], v["body"])
    if kind == "audit":
        return (v["message"], v["auditor"], v["color"], v["at"], v["comment"])
    if kind == "listing":
        return (v["seller"], v["title"], v["submitted_at"], v["description"])
    if kind == "assignment":
        return (v["client"], v["coach"], v["from"], v["to"])
    if kind == "daily_goal":
        return (v["client"], v["date"], v["hit"])
    if kind == "survey":
        return (v["client"], v["at"], v["score"])
    if kind == "profit":
        return (v["client"], v["date"], v["amount"], v["kind"])
    if kind == "moderation":
        return (v["listing"], v["moderator"], v["decision"], v["at"], v["reason"])
    return (v["coach"], v["from"], v["to"])  # vacation


# Which fields of each type are references, and to which type.
REFERENCES = {
    "user": (("reports_to", "user"),),
    "assignment": (("client", "user"), ("coach", "user")),
    "thread": (("client", "user"),),
    "message": (("thread", "thread"), ("author", "user")),
    "audit": (("message", "message"), ("auditor", "user")),
    "daily_goal": (("client", "user"),),
    "survey": (("client", "user"),),
    "profit": (("client", "user"),),
    "listing": (("seller", "user"),),
    "moderation": (("listing", "listing"), ("moderator", "user")),
    "vacation": (("coach", "user"),),
}
