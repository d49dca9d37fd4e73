"""One line of the import format (import-format.md): parse it, check each field, normalise the values.

Everything here looks at a single line (the field types are in fields.py); what needs other lines or the
database lives in checker.py.
"""

import json
import json.scanner
from decimal import Decimal

from helpdesk.audits.services import AUDIT_COMMENT_MAX
from helpdesk.auth.models import ROLES
from helpdesk.imports.fields import (
    FieldError,
    boolean,
    calendar_date,
    external_id,
    money,
    one_of,
    score,
    text,
    timestamp,
)

# The types of the format, in the order of its table (also the order of the summary).
TYPES = ("user", "assignment", "thread", "message", "audit", "daily_goal", "survey", "profit", "listing",
         "moderation", "vacation")
# Types whose records carry an `id` others may refer to.
ID_TYPES = ("user", "thread", "message", "audit", "listing")

_scan = json.scanner.make_scanner(json.JSONDecoder())


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
              ("comment", text(AUDIT_COMMENT_MAX), False)),
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


_FOUR_PLACES = Decimal("0.0001")


def spill_key(fields: tuple) -> str:
    """A fingerprint as a string, equal for equal fingerprints (money to four places, as it is stored)."""
    return repr(tuple(value.quantize(_FOUR_PLACES) if isinstance(value, Decimal) else value for value in fields))


def goal_key(client: str, day) -> str:
    """The key of one client's daily goal on one day (the date, of fixed width, comes last)."""
    return f"{client}|{day.isoformat()}"


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

UNKNOWN = object()  # what a reference to nothing earlier in the file and nothing stored resolves to


def unknown_reference(record: Record, field: str, target: str) -> str:
    """The error for a reference to nothing earlier in the file and nothing stored."""
    return (f'{record.label}: unknown {target} "{record.values[field]}" in "{field}" '
            "(it must be defined on an earlier line or already be stored)")
