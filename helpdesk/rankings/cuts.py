"""The cuts of a ranking: where each gate and tier ends, computed once from the rows when a snapshot is stored.

For each gate (section 7) and each bonus's top and middle tier (section 8), the pool's size, the worst rank
that still passes and the weakest value holding that rank. Ranks are competition ranks, so that value is the
one at that position of the pool sorted best first; a coach ranked past the cut has at least that many
coaches strictly before them, so the value is the same whether or not the coach is counted (My standing
asks "what would it take", holding the other coaches fixed).
"""

from collections.abc import Iterable

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.rankings.models import RankingCut, RankingRow
from helpdesk.rankings.ranking import BONUSES, fast_responder_cut, quality_cut, tier_limit

GATES = (("communication_quality", True, quality_cut), ("mean_response_seconds", False, fast_responder_cut))
REACHES = ("top", "middle")
# What cuts_of reads of each row.
CUT_COLUMNS = tuple(dict.fromkeys(
    [m for m, _, _ in GATES] + [name for b in BONUSES for name in (b.metric, b.tier)]))


def target_value(others: list, limit: int, higher: bool):
    """The weakest value whose competition rank against `others` is at most `limit`; None if any value is."""
    ordered = sorted(others, reverse=higher)
    return ordered[limit - 1] if 0 < limit <= len(ordered) else None


def _cut(metric: str, reach: str, values: list, limit: int, higher: bool) -> dict:
    return {"metric": metric, "reach": reach, "pool": len(values), "rank_limit": limit,
            "value": target_value(values, limit, higher)}


def cuts_of(rows: Iterable) -> list[dict]:
    """The cuts of a ranking's rows (dicts or mappings with CUT_COLUMNS): the gates', then each bonus's tiers."""
    rows = list(rows)
    cuts = []
    for metric, higher, cut in GATES:
        values = [r[metric] for r in rows if r[metric] is not None]
        cuts.append(_cut(metric, "gate", values, cut(len(values)), higher))
    for b in BONUSES:
        values = [r[b.metric] for r in rows if r[b.tier] is not None]
        cuts += [_cut(b.metric, reach, values, tier_limit(reach, len(values)), b.higher) for reach in REACHES]
    return cuts


def stored_or_computed(snapshot_id: int, stored: list[RankingCut]) -> dict[tuple[str, str], dict]:
    """The snapshot's cuts by (metric, reach): as stored, or, for a snapshot stored before cuts were kept,
    computed from its rows (one light query)."""
    if stored:
        return {(c.metric, c.reach): {"pool": c.pool, "rank_limit": c.rank_limit, "value": c.value} for c in stored}
    columns = [getattr(RankingRow, name) for name in CUT_COLUMNS]
    rows = db.session.execute(select(*columns).where(RankingRow.snapshot_id == snapshot_id)).mappings()
    return {(c["metric"], c["reach"]): c for c in cuts_of(rows)}
