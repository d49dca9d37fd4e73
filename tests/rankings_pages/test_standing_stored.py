"""My standing reads the weighted sums stored with the snapshot instead of recomputing them (#15), and gives
exactly the same standing as recomputing them (the path left for snapshots stored before the sums were kept)."""

from datetime import date

import pytest
from sqlalchemy import update

from helpdesk.clients.models import DailyGoal, SurveyResponse
from helpdesk.extensions import db
from helpdesk.rankings import standing as standing_module
from helpdesk.rankings.models import RankingRow
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


def _refuse(*args, **kwargs):
    raise AssertionError("recomputed the month's sums for every coach")


def test_standing_from_stored_sums_equals_recomputed(figures, monkeypatch):
    coaches = [figures.ann.coach, figures.bob.coach, figures.cid.coach]
    with monkeypatch.context() as patch:
        patch.setattr(standing_module, "client_success_sums", _refuse)
        patch.setattr(standing_module, "client_happiness_sums", _refuse)
        stored = [_view(standing(c, "2026-10")) for c in coaches]
    assert any(b["advice"] for _, bonuses, _ in stored for b in bonuses)  # the sums were really needed
    db.session.execute(update(RankingRow).values({name: None for name in SUMS}))
    db.session.expire_all()
    assert [_view(standing(c, "2026-10")) for c in coaches] == stored


def test_stored_sums_are_the_sections_sums(figures):
    row = db.session.query(RankingRow).filter_by(coach="co-ann").one()
    # Ann's client joined 2025-01-01: established, weight 1 on every day and answer.
    assert (row.success_weight_total, row.success_weight_hits) == (31, 10)
    assert (row.happiness_weight_total, row.happiness_promoters, row.happiness_detractors) == (2, 1, 1)
