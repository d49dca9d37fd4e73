"""Ranks, gates, tiers and money (metrics.md sections 7-9) over per-coach figures.

Everything here works on one small dict per coach; the per-message work is done in SQL.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
TIERS = ("top", "middle", "bottom")


@dataclass(frozen=True)
class Bonus:
    """One of the four bonuses of section 8: its metric, tier and money columns, and how its metric is shown."""

    title: str
    metric: str
    tier: str
    column: str
    higher: bool
    kind: str


# The table of bonuses (metrics.md section 8); every page, export and computation iterates this one.
BONUSES = (
    Bonus("Client Success", "client_success_rate", "client_success_tier", "bonus_client_success", True, "percent"),
    Bonus("Client Happiness", "client_happiness", "client_happiness_tier", "bonus_client_happiness", True, "score"),
    Bonus("Fast Responder", "mean_response_seconds", "fast_responder_tier", "bonus_fast_responder", False, "hours"),
    Bonus("Moderation", "moderation_accuracy", "moderation_tier", "bonus_moderation", True, "percent"),
)


def round9(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded to 9 decimal places, half to even, exactly."""
    return Decimal(round(Fraction(numerator, denominator) * 10**9)).scaleb(-9)


def ceil_div(numerator: int, denominator: int) -> int:
    """The smallest integer at or above numerator / denominator."""
    return -(-numerator // denominator)


# The gates of section 7: the share of ranked coaches, from the best, that passes.
QUALITY_GATE = Fraction(3, 4)
FAST_RESPONDER_GATE = Fraction(1, 2)


def _cut(share: Fraction, ranked: int) -> int:
    return ceil_div(share.numerator * ranked, share.denominator)


def quality_cut(ranked: int) -> int:
    """The worst Communication Quality rank still eligible among `ranked` coaches: the top 75 % (section 7)."""
    return _cut(QUALITY_GATE, ranked)


def fast_responder_cut(timed: int) -> int:
    """The worst mean-response rank that passes the Fast Responder gate among `timed` coaches: the top 50 %."""
    return _cut(FAST_RESPONDER_GATE, timed)


def tier_limit(tier: str, pool_size: int) -> int:
    """The worst rank still in `tier` ("top" or "middle") within a pool of `pool_size` (section 7)."""
    return ceil_div(pool_size, 3) if tier == "top" else ceil_div(2 * pool_size, 3)


def bonus_total(row) -> Decimal:
    """The sum of a ranked row's four bonuses (a dict or a stored row)."""
    def get(name):
        return row[name] if isinstance(row, dict) else getattr(row, name)

    return sum((get(b.column) for b in BONUSES), Decimal("0.00"))


def competition_ranks(values: dict, higher_is_better: bool = True) -> dict:
    """Competition ranks ("1224") of the non-None values: equal values share the best rank of their group."""
    present = {key: value for key, value in values.items() if value is not None}
    ordered = sorted(present.values(), reverse=higher_is_better)
    first_at: dict = {}
    for position, value in enumerate(ordered, start=1):
        first_at.setdefault(value, position)
    return {key: first_at[value] for key, value in present.items()}


def tier_of(rank: int, pool_size: int) -> str:
    """top / middle / bottom for a rank within a pool of `pool_size` (section 7)."""
    if rank <= tier_limit("top", pool_size):
        return "top"
    if rank <= tier_limit("middle", pool_size):
        return "middle"
    return "bottom"


def pool_tiers(values: dict, members, higher_is_better: bool = True) -> dict:
    """Tier of each member with a value, ranked among the members only."""
    pool = {key: values[key] for key in members if values.get(key) is not None}
    ranks = competition_ranks(pool, higher_is_better)
    return {key: tier_of(rank, len(ranks)) for key, rank in ranks.items()}


def to_cents(scaled_total: int, scale_exponent: int) -> Decimal:
    """An exact integer sum in units of 10**-scale_exponent, rounded to cents half to even, once."""
    return Decimal(scaled_total).scaleb(-scale_exponent).quantize(CENT, rounding=ROUND_HALF_EVEN)


def bonus(base: Decimal, tier: str | None, multipliers: dict) -> Decimal:
    """The already rounded base times the tier's multiplier, rounded to cents; 0 with no tier."""
    if tier is None:
        return Decimal("0.00")
    return (base * Decimal(str(multipliers[tier]))).quantize(CENT, rounding=ROUND_HALF_EVEN)


def rank_coaches(figures: dict[int, dict], config) -> dict[int, dict]:
    """Add ranks, eligibility, gate, tiers and bonuses to each coach's figures (sections 7-9).

    `figures[coach_id]` holds: communication_quality, mean_response_seconds, client_success_rate,
    client_happiness, moderation_accuracy (Decimal or None), moderated, moderation_trained,
    base_compensation (Decimal).
    """
    def metric(name):
        return {cid: f[name] for cid, f in figures.items()}

    cq_ranks = competition_ranks(metric("communication_quality"))
    eligible = {cid for cid, rank in cq_ranks.items() if rank <= quality_cut(len(cq_ranks))}
    speed = metric("mean_response_seconds")
    fr_ranks = competition_ranks(speed, higher_is_better=False)
    gate = {cid for cid, rank in fr_ranks.items() if rank <= fast_responder_cut(len(fr_ranks))}
    min_decisions = int(config["MODERATION_MIN_DECISIONS"])
    moderation_pool = {cid for cid, f in figures.items()
                       if f["moderation_trained"] and f["moderated"] >= min_decisions}
    # Who takes part in each bonus (section 8): the gated pools, by the bonus's metric column.
    pools = {"client_success_rate": eligible, "client_happiness": eligible, "mean_response_seconds": eligible & gate,
             "moderation_accuracy": moderation_pool}
    tiers = {b.tier: pool_tiers(metric(b.metric), pools[b.metric], b.higher) for b in BONUSES}
    multipliers = config["BONUS_MULTIPLIERS"]
    ranked = {}
    for cid, f in figures.items():
        row = dict(f, cq_rank=cq_ranks.get(cid), eligible=cid in eligible, fast_responder_rank=fr_ranks.get(cid))
        for b in BONUSES:
            row[b.tier] = tiers[b.tier].get(cid)
            row[b.column] = bonus(f["base_compensation"], row[b.tier], multipliers)
        ranked[cid] = row
    return ranked
