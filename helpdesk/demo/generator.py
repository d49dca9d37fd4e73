"""Build the demo program as import-format records (../shared/spec/import-format.md), relative to now."""

import json
from datetime import datetime
from random import Random

from helpdesk.demo import activity, people
from helpdesk.demo.conversations import Conversations
from helpdesk.types import utcnow

# The order lines are written in: every reference appears before it is used.
ORDER = ("user", "assignment", "vacation", "thread", "message", "audit", "daily_goal", "survey", "profit",
         "listing", "moderation")


def generate(seed: int = 2026, scale: float = 1.0, now: datetime | None = None, days: int = 120) -> list[dict]:
    """The demo program as a list of import records. `scale` 1.0 is ~30 coaches and ~300 clients; the same
    seed and `now` give the same program."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if days < 30:
        raise ValueError("the demo needs at least 30 days of history")
    now = (now or utcnow()).replace(second=0, microsecond=0)
    program = people.Program(rng=Random(seed), now=now, days=days)
    people.make_people(program, scale)
    people.make_assignments(program)
    people.make_vacations(program)
    conversations = Conversations(program)
    conversations.make_threads()
    conversations.make_audits()
    activity.make_daily_goals(program)
    activity.make_surveys(program)
    activity.make_profits(program)
    activity.make_listings(program)
    rank = {kind: i for i, kind in enumerate(ORDER)}
    # A stable sort keeps each type's records in the order they were made (messages in time order per thread).
    return sorted(program.records, key=lambda r: rank[r["type"]])


def to_lines(records: list[dict]) -> list[str]:
    """JSON lines, one record each, with the type first."""
    return [json.dumps({"type": r["type"], **{k: v for k, v in r.items() if k != "type"}}) for r in records]
