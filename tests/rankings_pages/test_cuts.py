"""The cuts stored with a snapshot (rankings/cuts.py): the value a coach past a cut must reach is the same
whether the coach is counted or not, so one stored value serves every coach."""

from hypothesis import given
from hypothesis import strategies as st

from helpdesk.rankings.cuts import cuts_of, target_value
from helpdesk.rankings.ranking import competition_ranks


@given(st.lists(st.integers(0, 6), min_size=1, max_size=30), st.integers(1, 30), st.booleans())
def test_leaving_out_a_coach_past_the_cut_changes_nothing(values, limit, higher):
    ranks = competition_ranks(dict(enumerate(values)), higher_is_better=higher)
    for i, rank in ranks.items():
        if rank > limit:
            others = values[:i] + values[i + 1:]
            assert target_value(others, limit, higher) == target_value(values, limit, higher) is not None


def test_cuts_of_a_ranking_with_ties():
    rows = [{"communication_quality": q, "mean_response_seconds": m, "client_success_rate": s,
             "client_success_tier": t, "client_happiness": None, "client_happiness_tier": None,
             "fast_responder_tier": None, "moderation_accuracy": None, "moderation_tier": None}
            for q, m, s, t in ((1, 10, 5, "top"), (1, 20, 5, "top"), (0.5, 30, 5, "top"), (0.25, None, 2, "bottom"))]
    cuts = {(c["metric"], c["reach"]): (c["pool"], c["rank_limit"], c["value"]) for c in cuts_of(rows)}
    assert cuts[("communication_quality", "gate")] == (4, 3, 0.5)      # ceil(0.75 * 4) = 3
    assert cuts[("mean_response_seconds", "gate")] == (3, 2, 20)       # ceil(3 / 2) = 2, lower is better
    assert cuts[("client_success_rate", "top")] == (4, 2, 5)           # ceil(4 / 3) = 2
    assert cuts[("client_success_rate", "middle")] == (4, 3, 5)        # ceil(8 / 3) = 3
    assert cuts[("client_happiness", "top")] == (0, 0, None)           # an empty pool
