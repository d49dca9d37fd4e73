"""Ranking invariants (hypothesis) and tier boundaries by hand."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from helpdesk.rankings.ranking import competition_ranks, pool_tiers, round9, tier_of

values = st.dictionaries(st.integers(0, 50), st.none() | st.integers(0, 6).map(lambda n: Decimal(n) / 4),
                         max_size=25)


@given(values, st.booleans())
def test_competition_ranks_invariants(metric, higher_is_better):
    ranks = competition_ranks(metric, higher_is_better)
    present = {k: v for k, v in metric.items() if v is not None}
    assert set(ranks) == set(present)                       # none is not ranked
    for key, rank in ranks.items():
        better = sum(1 for v in present.values() if (v > present[key] if higher_is_better else v < present[key]))
        assert rank == better + 1                            # "1224": one more than those strictly better
        assert 1 <= rank <= len(present)
    for a in ranks:
        for b in ranks:
            if present[a] == present[b]:
                assert ranks[a] == ranks[b]


@given(values, st.booleans())
def test_tiers_are_monotone_in_rank(metric, higher_is_better):
    tiers = pool_tiers(metric, set(metric), higher_is_better)
    ranks = competition_ranks(metric, higher_is_better)
    order = {"top": 0, "middle": 1, "bottom": 2}
    for a in tiers:
        for b in tiers:
            if ranks[a] <= ranks[b]:
                assert order[tiers[a]] <= order[tiers[b]]


def test_tier_boundaries_by_hand():
    # P = 7: ceil(7/3) = 3 top, ceil(14/3) = 5 middle.
    assert [tier_of(r, 7) for r in range(1, 8)] == ["top"] * 3 + ["middle"] * 2 + ["bottom"] * 2
    # P = 1: alone is top; P = 2: 1 top (ceil(2/3) = 1), 2 middle (ceil(4/3) = 2).
    assert tier_of(1, 1) == "top"
    assert [tier_of(r, 2) for r in (1, 2)] == ["top", "middle"]
    # Ties: ranks 1,1,1,4 in a pool of 4: ceil(4/3) = 2 top, ceil(8/3) = 3 middle -> 4 is bottom.
    tiers = pool_tiers({1: Decimal(1), 2: Decimal(1), 3: Decimal(1), 4: Decimal(0)}, {1, 2, 3, 4})
    assert tiers == {1: "top", 2: "top", 3: "top", 4: "bottom"}


def test_lower_is_better_for_speed_and_round9_is_exact():
    assert competition_ranks({1: Decimal(30), 2: Decimal(10), 3: Decimal(10)}, higher_is_better=False) == {
        1: 3, 2: 1, 3: 1}
    assert round9(1, 3) == Decimal("0.333333333")
    assert round9(2, 3) == Decimal("0.666666667")
    assert round9(1, 2**10) == Decimal("0.000976562")   # 0.0009765625: a tie, half to even
    assert round9(3, 2**10) == Decimal("0.002929688")   # 0.0029296875: a tie, up to even
    # Metrics equal after rounding rank together.
    assert competition_ranks({1: round9(1, 3), 2: round9(333333333, 10**9)}) == {1: 1, 2: 1}
