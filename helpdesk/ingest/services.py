"""Validating and storing a batch of platform records (daily goals, surveys, profits).

The rules are import-format.md's for these three types: required fields, their types, a known
client, a score 0-10, money as a decimal string. A batch is all-or-nothing: every record is checked
first, and nothing is stored if any is wrong. A record equal in all fields to one already stored
(or to an earlier one in the same batch) is skipped, so posting a batch twice changes nothing.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import insert, select

from helpdesk.auth.models import User
from helpdesk.clients.models import DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.errors import Refusal
from helpdesk.extensions import db

MAX_RECORDS = 10_000
TYPES = ("daily_goal", "survey", "profit")
PROFIT_KINDS = ("profit", "ad_credit")
# Money columns keep four decimal places (helpdesk.types.Money); the largest amount a BigInteger holds.
MAX_AMOUNT = Decimal(2**63 - 1) / 10_000


class IngestError(Refusal, ValueError):
    """The batch as a whole is unusable (not a list, too many records); still a ValueError for callers."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(status, message)


@dataclass
class IngestResult:
    stored: dict = field(default_factory=lambda: {t: 0 for t in TYPES})
    skipped: dict = field(default_factory=lambda: {t: 0 for t in TYPES})
    errors: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"stored": sum(self.stored.values()), "skipped": sum(self.skipped.values()),
                "stored_by_type": self.stored, "skipped_by_type": self.skipped}


def _require(record: dict, name: str):
    if name not in record or record[name] is None:
        raise ValueError(f"{name}: required field is missing")
    return record[name]


def _date(record: dict, name: str) -> date:
    value = _require(record, name)
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be a date YYYY-MM-DD")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date YYYY-MM-DD") from None


def _instant(record: dict, name: str) -> datetime:
    value = _require(record, name)
    if not isinstance(value, str):
        raise ValueError(f"{name}: must be an ISO 8601 timestamp with an offset or Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{name}: {value!r} has no offset; add Z or +00:00")
    return parsed.astimezone(UTC)


def _bool(record: dict, name: str) -> bool:
    value = _require(record, name)
    if not isinstance(value, bool):
        raise ValueError(f"{name}: must be true or false")
    return value


def _score(record: dict) -> int:
    value = _require(record, "score")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("score: must be an integer 0-10")
    if not 0 <= value <= 10:
        raise ValueError(f"score: {value} is outside 0-10")
    return value


def _amount(record: dict) -> Decimal:
    value = _require(record, "amount")
    if not isinstance(value, str):
        raise ValueError("amount: must be a decimal string such as \"120.00\"")
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise ValueError(f"amount: {value!r} is not a decimal number") from None
    if not amount.is_finite():
        raise ValueError(f"amount: {value!r} is not a decimal number")
    if amount != amount.quantize(Decimal("0.0001")):
        raise ValueError(f"amount: {value!r} has more than four decimal places")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"amount: {value!r} is too large")
    return amount


def _parse(record, clients: dict[str, int]) -> tuple[str, tuple]:
    """Return (type, key) for one record, the key being every field that makes it what it is."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    kind = record.get("type")
    if kind not in TYPES:
        raise ValueError(f"type: must be one of {', '.join(TYPES)} (got {kind!r})")
    client_ref = _require(record, "client")
    if not isinstance(client_ref, str):
        raise ValueError("client: must be a client's id (a string)")
    client_id = clients.get(client_ref)
    if client_id is None:
        raise ValueError(f"client: no client with id {client_ref!r}")
    if kind == "daily_goal":
        return kind, (client_id, _date(record, "date"), _bool(record, "hit"))
    if kind == "survey":
        return kind, (client_id, _instant(record, "at"), _score(record))
    profit_kind = _require(record, "kind")
    if profit_kind not in PROFIT_KINDS:
        raise ValueError(f"kind: must be profit or ad_credit (got {profit_kind!r})")
    return kind, (client_id, _date(record, "date"), _amount(record), profit_kind)


def _clients_by_external_id(records: list) -> dict[str, int]:
    refs = {r.get("client") for r in records if isinstance(r, dict) and isinstance(r.get("client"), str)}
    if not refs:
        return {}
    rows = db.session.execute(
        select(User.external_id, User.id).where(User.external_id.in_(refs), User.role == "client"))
    return dict(rows.all())


def _existing(parsed: dict[str, list]) -> dict[str, set]:
    """The keys already stored among those of the batch (one query per type, bounded by the batch)."""
    found = {t: set() for t in TYPES}
    surveys = parsed["survey"]
    if surveys:
        rows = db.session.execute(select(SurveyResponse.client_id, SurveyResponse.at, SurveyResponse.score).where(
            SurveyResponse.client_id.in_({k[0] for k in surveys}), SurveyResponse.at.in_({k[1] for k in surveys})))
        found["survey"] = {tuple(r) for r in rows}
    profits = parsed["profit"]
    if profits:
        rows = db.session.execute(
            select(ProfitRecord.client_id, ProfitRecord.date, ProfitRecord.amount, ProfitRecord.kind).where(
                ProfitRecord.client_id.in_({k[0] for k in profits}), ProfitRecord.date.in_({k[1] for k in profits})))
        found["profit"] = {tuple(r) for r in rows}
    return found


def _goal_days(parsed_goals: list) -> dict[tuple, bool]:
    """(client, date) -> hit of the daily goals already stored for the batch's days."""
    if not parsed_goals:
        return {}
    rows = db.session.execute(select(DailyGoal.client_id, DailyGoal.date, DailyGoal.hit).where(
        DailyGoal.client_id.in_({k[0] for k in parsed_goals}), DailyGoal.date.in_({k[1] for k in parsed_goals})))
    return {(c, d): hit for c, d, hit in rows}


def ingest(records) -> IngestResult:
    """Check a batch and, if every record is good, store the new ones; flushes, does not commit."""
    if not isinstance(records, list):
        raise IngestError('the body must be a JSON object {"records": [...]} with a list of records')
    if len(records) > MAX_RECORDS:
        raise IngestError(f"a batch holds at most {MAX_RECORDS:,} records; this one has {len(records):,}. "
                          "Split it into smaller batches.", status=413)
    result = IngestResult()
    clients = _clients_by_external_id(records)
    keyed: list[tuple[int, str, tuple]] = []
    for index, record in enumerate(records):
        try:
            kind, key = _parse(record, clients)
        except ValueError as exc:
            result.errors.append({"index": index, "message": str(exc)})
            continue
        keyed.append((index, kind, key))
    parsed = {t: [k for _, kind, k in keyed if kind == t] for t in TYPES}
    stored = _existing(parsed)
    # A client has one daily goal per day: a different "hit" for a stored (or batched) day is an error.
    goal_days = _goal_days(parsed["daily_goal"])
    stored["daily_goal"] = {(c, d, hit) for (c, d), hit in goal_days.items()}
    new_rows = {t: [] for t in TYPES}
    for index, kind, key in keyed:
        if kind == "daily_goal":
            day = key[:2]
            if day in goal_days and goal_days[day] != key[2]:
                result.errors.append({"index": index, "message": (
                    f"date: this client's daily goal for {key[1].isoformat()} is already recorded as "
                    f"hit={str(goal_days[day]).lower()}; a day's goal is not changed by a later record")})
                continue
            goal_days[day] = key[2]
        if key in stored[kind]:
            result.skipped[kind] += 1
            continue
        stored[kind].add(key)
        new_rows[kind].append(key)
        result.stored[kind] += 1
    if result.errors:
        result.errors.sort(key=lambda e: e["index"])
        return result
    _insert(new_rows)
    return result


def _insert(new_rows: dict[str, list]) -> None:
    if new_rows["daily_goal"]:
        db.session.execute(insert(DailyGoal), [{"client_id": c, "date": d, "hit": h}
                                               for c, d, h in new_rows["daily_goal"]])
    if new_rows["survey"]:
        db.session.execute(insert(SurveyResponse), [{"client_id": c, "at": at, "score": s}
                                                    for c, at, s in new_rows["survey"]])
    if new_rows["profit"]:
        db.session.execute(insert(ProfitRecord), [{"client_id": c, "date": d, "amount": a, "kind": k}
                                                  for c, d, a, k in new_rows["profit"]])
    db.session.flush()
