"""My standing: a coach's figures, ranks, gates and tiers for a month, and what it would take to move up.

Every "what it takes" holds the other coaches' stored figures fixed and asks for the smallest change
of the coach's own figure that reaches the rank the next tier (or gate) needs. Ranks are competition
ranks, so tying the coach who sits at the last place of that tier is enough. Nothing is guessed: when
the figure a sentence needs is not known, the sentence is left out.

A request reads the stored snapshot only: the coach's own row and the snapshot's cuts (rankings/cuts.py),
whatever the number of coaches, and never computes a month (#15). With no ranking stored for the month yet
(the current month before the hourly job's first run), the page says so.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.rankings.cuts import stored_or_computed
from helpdesk.rankings.models import RankingRow, RankingSnapshot
from helpdesk.rankings.ranking import (
    BONUSES,
    FAST_RESPONDER_GATE,
    QUALITY_GATE,
    bonus_total,
    ceil_div,
    round9,
)
from helpdesk.rankings.reading import read_own_row
from helpdesk.rankings.snapshot import ROW_FIELDS

NEXT_TIER = {"bottom": "middle", "middle": "top"}


@dataclass
class Standing:
    month: str
    as_of: datetime | None
    provisional: bool
    stored: bool                      # False: no ranking is stored for the month yet
    row: dict | None
    gates: list = field(default_factory=list)
    bonuses: list = field(default_factory=list)

    @property
    def bonus_total(self) -> Decimal:
        """The coach's four bonuses together (0.00 without a row)."""
        return bonus_total(self.row) if self.row else Decimal("0.00")


def fewer_needed(total: int, bad: int, target: Decimal) -> int | None:
    """How many fewer `bad` of `total` make round9(1 - bad/total) reach `target` (quality, moderation)."""
    for k in range(bad + 1):
        if round9(total - (bad - k), total) >= target:
            return k
    return None


def more_needed(numerator: int, denominator: int, target: Decimal) -> int:
    """Smallest x >= 0 with round9(numerator + x, denominator) >= target (weighted Daily Goal hits)."""
    x = max(0, math.ceil(target * denominator) - numerator)
    while round9(numerator + x, denominator) < target:
        x += 1
    while x > 0 and round9(numerator + x - 1, denominator) >= target:
        x -= 1
    return x


def promoters_needed(total: int, promoters: int, detractors: int, weight: int, target: Decimal) -> int | None:
    """How many more promoter answers of `weight` lift round9(100 (P - D) / S) to `target`; None if none can."""
    def score(k):
        return round9(100 * (promoters - detractors + weight * k), total + weight * k)

    if score(0) >= target:
        return 0
    if target >= 100:
        return None
    k = max(0, math.floor((target * total - 100 * (promoters - detractors)) / (weight * (100 - target))))
    while score(k) < target:
        k += 1
    while k > 0 and score(k - 1) >= target:
        k -= 1
    return k


def hours(seconds) -> str:
    return f"{Decimal(seconds) / 3600:.2f} h"


def _gates(me: dict, cuts: dict) -> list[dict]:
    gates = []
    cut = cuts[("communication_quality", "gate")]
    gate = {"title": f"Communication quality (top {QUALITY_GATE * 100}%)", "rank": me["cq_rank"],
            "of": cut["pool"], "cut": cut["rank_limit"], "passed": me["eligible"],
            "value": me["communication_quality"], "advice": None}
    if me["communication_quality"] is None:
        gate["advice"] = "You have answered no client message this month, so you are not ranked yet."
    elif not me["eligible"]:
        target = cut["value"]
        k = fewer_needed(me["answered"], me["needs_improvement"], target) if target is not None else 0
        if k:
            gate["advice"] = (f"{k} fewer Needs Improvement (of your {me['answered']} answers) would have made rank "
                              f"{cut['rank_limit']} or better (quality {target * 100:.2f}% or more).")
    gates.append(gate)
    cut = cuts[("mean_response_seconds", "gate")]
    gate = {"title": f"Fast Responder gate (top {FAST_RESPONDER_GATE * 100}% by mean response)",
            "rank": me["fast_responder_rank"], "of": cut["pool"], "cut": cut["rank_limit"],
            "value": me["mean_response_seconds"], "advice": None,
            "passed": me["fast_responder_rank"] is not None and me["fast_responder_rank"] <= cut["rank_limit"]}
    if me["mean_response_seconds"] is None:
        gate["advice"] = "No client waited on you this month, so you have no mean response time."
    elif not gate["passed"] and cut["value"] is not None:
        target = cut["value"]
        gate["advice"] = (f"Answer {hours(me['mean_response_seconds'] - target)} faster on average "
                          f"(a mean of {hours(target)} or less) to pass.")
    gates.append(gate)
    return gates


def _bonus(b, me, cuts, advise) -> dict:
    tier = me[b.tier]
    item = {"title": b.title, "metric": b.metric, "value": me[b.metric], "tier": tier,
            "pool": cuts[(b.metric, "top")]["pool"], "bonus": me[b.column], "advice": None, "next": NEXT_TIER.get(tier)}
    if tier in NEXT_TIER:
        target = cuts[(b.metric, NEXT_TIER[tier])]["value"]
        if target is not None:
            item["target"] = target
            item["advice"] = advise(target)
    return item


def _bonuses(me: dict, cuts: dict, sums: dict) -> list[dict]:
    config = current_app.config
    weight = int(config["NEW_CLIENT_WEIGHT"])

    def success_advice(target):
        total, hits = sums["success"]
        if not total:  # none, or not known (a snapshot stored before the sums were kept)
            return None
        x = more_needed(hits, total, target)
        return (f"{x} more weighted Daily Goal hits on the same days: {ceil_div(x, weight)} more days hit by a new "
                f"client (weight {weight}) or {x} by established clients (rate {target * 100:.2f}% or more).")

    def happiness_advice(target):
        total, promoters, detractors = sums["happiness"]
        if not total:  # as above
            return None
        new = promoters_needed(total, promoters, detractors, weight, target)
        old = promoters_needed(total, promoters, detractors, 1, target)
        if new is None:
            return f"A score of {target:.2f} needs every answer to be a promoter (9-10)."
        return (f"{new} more promoter answer(s) (9-10) from new clients, or {old} from established clients "
                f"(a score of {target:.2f} or more).")

    def speed_advice(target):
        return (f"Answer {hours(me['mean_response_seconds'] - target)} faster on average "
                f"(a mean of {hours(target)} or less).")

    def moderation_advice(target):
        k = fewer_needed(me["moderated"], me["approved_later_rejected"], target)
        return f"{k} fewer approvals later rejected (accuracy {target * 100:.2f}% or more)." if k else None

    advice = {"client_success_rate": success_advice, "client_happiness": happiness_advice,
              "mean_response_seconds": speed_advice, "moderation_accuracy": moderation_advice}
    return [_bonus(b, me, cuts, advice[b.metric]) for b in BONUSES]


def standing(coach, month: str) -> Standing:
    """The coach's standing for a month, from the stored ranking (not stored yet: `stored` False, no row)."""
    read = read_own_row(month, coach.id)
    if read is None:
        return Standing(month=month, as_of=None, provisional=True, stored=False, row=None)
    me = {f: getattr(read.row, f) for f in ROW_FIELDS} if read.row is not None else None
    result = Standing(month=month, as_of=read.snapshot.as_of, provisional=read.snapshot.provisional, stored=True,
                      row=me)
    if me is None:
        return result
    cuts = stored_or_computed(read.snapshot.id, read.cuts)
    sums = {"success": (me["success_weight_total"], me["success_weight_hits"]),
            "happiness": (me["happiness_weight_total"], me["happiness_promoters"], me["happiness_detractors"])}
    result.gates = _gates(me, cuts)
    result.bonuses = _bonuses(me, cuts, sums)
    return result


def past_months(coach, limit: int = 24) -> list[dict]:
    """The coach's rows of the stored rankings, newest month first."""
    query = (select(RankingSnapshot.month, RankingSnapshot.as_of, RankingSnapshot.provisional, RankingRow)
             .join(RankingRow, RankingRow.snapshot_id == RankingSnapshot.id)
             .where(RankingRow.coach_id == coach.id, RankingSnapshot.status == "complete")
             .order_by(RankingSnapshot.month.desc()).limit(limit))
    return [{"month": m, "as_of": a, "provisional": p, "row": r, "bonus_total": bonus_total(r),
             "tiers": [getattr(r, b.tier) for b in BONUSES]} for m, a, p, r in db.session.execute(query)]
