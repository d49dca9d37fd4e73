"""My standing reads the coach's own row and the cuts stored with the snapshot (#15): the weighted sums behind
Client Success and Happiness, and where each gate and tier ends, instead of every coach's figures."""

from datetime import date

import pytest
from sqlalchemy import delete, update

from helpdesk.clients.models import DailyGoal, SurveyResponse
from helpdesk.extensions import db
from helpdesk.rankings.models import RankingCut, RankingRow
from helpdesk.rankings.snapshot import compute_snapshot
from helpdesk.rankings.standing import standing
from tests.rankings.conftest import at
from tests.rankings_pages.conftest import AS_OF

SUMS = ("success_weight_total", "success_weight_hits", "happiness_weight_total", "happiness_promoters",
        "happiness_detractors")


@pytest.fixture
def figures(program):
    for client, hits in ((program.ann.client, 10), (program.bob.client, 25), (program.cid.client, 20)):
        for day in range(1, 32):
            db.session.add(DailyGoal(client_id=client.id, date=date(2026, 10, day), hit=day <= hits))
    for client, scores in ((program.ann.client, (9, 3)), (program.bob.client, (10, 10)), (program.cid.client, (7,))):
        for i, score in enumerate(scores):
            db.session.add(SurveyResponse(client_id=client.id, at=at(5 + i, 12), score=score))
    db.session.flush()
    compute_snapshot("2026-10", AS_OF)
    db.session.flush()
    return program


def _view(s):
    return s.gates, s.bonuses, s.bonus_total


def _coaches(program):
    return [program.ann.coach, program.bob.coach, program.cid.coach]


def test_standing_needs_only_the_coachs_own_row(figures):
    # #15: the targets come from the cuts stored with the snapshot, not from the other coaches' rows: with
    # every other row gone, each coach's standing is the same.
    stored = {c.id: _view(standing(c, "2026-10")) for c in _coaches(figures)}
    assert any(b["advice"] for _, bonuses, _ in stored.values() for b in bonuses)  # targets were really needed
    assert any(g["advice"] for gates, _, _ in stored.values() for g in gates)
    for coach in _coaches(figures):
        with db.session.begin_nested() as nested:
            db.session.execute(delete(RankingRow).where(RankingRow.coach_id != coach.id))
            db.session.expire_all()
            assert _view(standing(coach, "2026-10")) == stored[coach.id]
            nested.rollback()


def test_a_snapshot_stored_before_the_cuts_gives_the_same_standing(figures):
    stored = [_view(standing(c, "2026-10")) for c in _coaches(figures)]
    assert db.session.execute(delete(RankingCut)).rowcount == 10  # two gates, two tiers of four bonuses
    db.session.expire_all()
    assert [_view(standing(c, "2026-10")) for c in _coaches(figures)] == stored


def test_without_stored_sums_the_advice_that_needs_them_is_left_out(figures):
    db.session.execute(update(RankingRow).values({name: None for name in SUMS}))
    db.session.expire_all()
    for coach in _coaches(figures):
        for b in standing(coach, "2026-10").bonuses:
            if b["metric"] in ("client_success_rate", "client_happiness"):
                assert b["advice"] is None


def test_stored_sums_are_the_sections_sums(figures):
    row = db.session.query(RankingRow).filter_by(coach="co-ann").one()
    # Ann's client joined 2025-01-01: established, weight 1 on every day and answer.
    assert (row.success_weight_total, row.success_weight_hits) == (31, 10)
    assert (row.happiness_weight_total, row.happiness_promoters, row.happiness_detractors) == (2, 1, 1)
