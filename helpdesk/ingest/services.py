"""Validating and storing a batch of platform records (daily goals, surveys, profits).

The rules are import-format.md's for these three types, checked by the import's own field converters
(helpdesk.imports.fields): required fields, their types, a known client, a score 0-10, money as a
decimal string with at most four decimal places. A batch is all-or-nothing: every record is checked
first, and nothing is stored if any is wrong. A record equal in all fields to one already stored
(or to an earlier one in the same batch) is skipped, so posting a batch twice changes nothing.
"""

from dataclasses import dataclass, field

from sqlalchemy import insert, select

from helpdesk.auth.models import User
from helpdesk.clients.models import DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.imports.fields import FieldError, boolean, calendar_date, money, one_of, score, timestamp

MAX_RECORDS = 10_000
TYPES = ("daily_goal", "survey", "profit")
PROFIT_KINDS = ("profit", "ad_credit")


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


def _field(record: dict, name: str, convert):
    """The field checked and normalised by the import format's own converter (imports.fields)."""
    value = _require(record, name)
    try:
        return convert(value)
    except FieldError as exc:
        raise ValueError(f"{name}: {exc}") from None


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
        return kind, (client_id, _field(record, "date", calendar_date), _field(record, "hit", boolean))
    if kind == "survey":
        return kind, (client_id, _field(record, "at", timestamp), _field(record, "score", score))
    profit_kind = _field(record, "kind", one_of(*PROFIT_KINDS))
    return kind, (client_id, _field(record, "date", calendar_date), _field(record, "amount", money), profit_kind)


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
