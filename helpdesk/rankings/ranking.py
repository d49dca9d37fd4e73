"""Ranks, gates, tiers and money (metrics.md sections 7-9) over per-coach figures.

Everything here works on one small dict per coach; the per-message work is done in SQL.
"""

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
TIERS = ("top", "middle", "bottom")


def round9(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded to 9 decimal places, half to even, exactly."""
    return Decimal(round(Fraction(numerator, denominator) * 10**9)).scaleb(-9)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


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
    if rank <= ceil_div(pool_size, 3):
        return "top"
    if rank <= ceil_div(2 * pool_size, 3):
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
    eligible = {cid for cid, rank in cq_ranks.items() if rank <= ceil_div(3 * len(cq_ranks), 4)}
    speed = metric("mean_response_seconds")
    fr_ranks = competition_ranks(speed, higher_is_better=False)
    gate = {cid for cid, rank in fr_ranks.items() if rank <= ceil_div(len(fr_ranks), 2)}
    success_tiers = pool_tiers(metric("client_success_rate"), eligible)
    happiness_tiers = pool_tiers(metric("client_happiness"), eligible)
    fast_tiers = pool_tiers(speed, eligible & gate, higher_is_better=False)
    min_decisions = int(config["MODERATION_MIN_DECISIONS"])
    moderation_pool = {cid for cid, f in figures.items()
                       if f["moderation_trained"] and f["moderated"] >= min_decisions}
    moderation_tiers = pool_tiers(metric("moderation_accuracy"), moderation_pool)
    multipliers = config["BONUS_MULTIPLIERS"]
    ranked = {}
    for cid, f in figures.items():
        base = f["base_compensation"]
        row = dict(f, cq_rank=cq_ranks.get(cid), eligible=cid in eligible, fast_responder_rank=fr_ranks.get(cid),
                   fast_responder_tier=fast_tiers.get(cid), client_success_tier=success_tiers.get(cid),
                   client_happiness_tier=happiness_tiers.get(cid), moderation_tier=moderation_tiers.get(cid))
        row.update(bonus_client_success=bonus(base, row["client_success_tier"], multipliers),
                   bonus_client_happiness=bonus(base, row["client_happiness_tier"], multipliers),
                   bonus_fast_responder=bonus(base, row["fast_responder_tier"], multipliers),
                   bonus_moderation=bonus(base, row["moderation_tier"], multipliers))
        ranked[cid] = row
    return ranked
