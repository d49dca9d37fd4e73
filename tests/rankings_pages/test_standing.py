"""My standing: gates, tiers, what it takes to move up (worked out by hand), money and past months."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.audits.models import Audit
from helpdesk.clients.models import DailyGoal
from helpdesk.extensions import db
from helpdesk.rankings.cuts import target_value
from helpdesk.rankings.ranking import round9
from helpdesk.rankings.snapshot import compute_snapshot
from helpdesk.rankings.standing import fewer_needed, more_needed, promoters_needed, standing

AS_OF = datetime(2026, 11, 1, tzinfo=UTC)


def goals(client, hits):
    for day in range(1, 32):
        db.session.add(DailyGoal(client_id=client.id, date=date(2026, 10, day), hit=day <= hits))
    db.session.flush()


def test_target_value_is_the_weakest_value_reaching_the_rank():
    assert target_value([5, 9, 7], 2, higher=True) == 7
    assert target_value([5, 9, 7], 2, higher=False) == 7
    assert target_value([5], 2, higher=True) is None


def test_fewer_more_and_promoters_needed():
    # 1 - (3 - k)/4 >= 0.5 -> k = 1
    assert fewer_needed(4, 3, Decimal("0.5")) == 1
    # (10 + x)/31 >= 20/31 -> x = 10
    assert more_needed(10, 31, round9(20, 31)) == 10
    # S 10, P 5, D 3: score 20. To reach 50: 100(2 + k)/(10 + k) >= 50 -> k = 6 at weight 1;
    # 100(2 + 10k)/(10 + 10k) >= 50 -> k >= 0.6 -> 1 at weight 10.
    assert promoters_needed(10, 5, 3, 1, Decimal(50)) == 6
    assert promoters_needed(10, 5, 3, 10, Decimal(50)) == 1
    assert promoters_needed(10, 5, 3, 1, Decimal(100)) is None


def test_gates_and_speed_advice(program, snapshot):
    # Fast Responder gate: means Ann 2 h, Cid 4 h, Bob 20 h; cut ceil(3/2) = 2, so Bob must reach 4 h.
    bob = standing(program.bob.coach, "2026-10")
    cq, speed = bob.gates
    assert cq["passed"] and cq["rank"] == 3 and cq["cut"] == 3
    assert not speed["passed"] and speed["rank"] == 3 and speed["cut"] == 2
    assert speed["advice"] == "Answer 16.00 h faster on average (a mean of 4.00 h or less) to pass."
    # Fast Responder pool: Ann and Cid (eligible and through the gate): Ann top, Cid middle; Cid must tie Ann.
    cid = standing(program.cid.coach, "2026-10")
    fast = next(b for b in cid.bonuses if b["title"] == "Fast Responder")
    assert fast["tier"] == "middle" and fast["next"] == "top"
    assert fast["advice"] == "Answer 2.00 h faster on average (a mean of 2.00 h or less)."


def test_needs_improvement_advice(program, create_coach, create_client, create_thread, create_message, create_user):
    # Dan answers 4, 3 of them Yellow: quality 0.25, rank 4 of 4, cut ceil(0.75 * 4) = 3 (Bob's 0.5).
    # 1 - (3 - k)/4 >= 0.5 -> 1 fewer.
    auditor = create_user("auditor")
    dan = create_coach(team_leader=program.leader, external_id="co-dan")
    client = create_client(coach=dan)
    thread = create_thread(client)
    for i in range(4):
        create_message(thread, client, sent_at=datetime(2026, 10, 10 + i, 8, tzinfo=UTC))
        reply = create_message(thread, dan, sent_at=datetime(2026, 10, 10 + i, 9, tzinfo=UTC))
        if i < 3:
            db.session.add(Audit(message_id=reply.id, coach_id=dan.id, auditor_id=auditor.id, color="yellow",
                                 at=reply.sent_at + timedelta(hours=1)))
    db.session.flush()
    compute_snapshot("2026-10", AS_OF)
    gate = standing(dan, "2026-10").gates[0]
    assert not gate["passed"] and (gate["rank"], gate["of"], gate["cut"]) == (4, 4, 3)
    assert gate["advice"] == ("1 fewer Needs Improvement (of your 4 answers) would have made rank 3 or better "
                              "(quality 50.00% or more).")


def test_daily_goal_advice(program):
    # Ann's client (established) hits 10 of 31 days, Cid's 20, Bob's none: Cid top, Ann middle, Bob bottom.
    goals(program.ann.client, 10)
    goals(program.cid.client, 20)
    compute_snapshot("2026-10", AS_OF)
    ann = next(b for b in standing(program.ann.coach, "2026-10").bonuses if b["title"] == "Client Success")
    assert ann["tier"] == "middle"
    assert ann["advice"] == ("10 more weighted Daily Goal hits on the same days: 1 more days hit by a new client "
                             "(weight 10) or 10 by established clients (rate 64.52% or more).")
    bob = next(b for b in standing(program.bob.coach, "2026-10").bonuses if b["title"] == "Client Success")
    assert bob["tier"] == "bottom" and bob["advice"].startswith("10 more weighted Daily Goal hits")
    assert "(rate 32.26% or more)" in bob["advice"]


def test_page_shows_standing_money_and_past_months(client, auth, program, snapshot):
    auth.login(program.ann.coach)
    html = client.get("/standing?month=2026-10").get_data(as_text=True)
    assert "Final ranking as of 2026-11-01 00:00 UTC" in html
    assert 'data-testid="base">1.50<' in html
    # No Daily Goal hit by anyone: all three tie at a 0 success rate, rank 1, top: 1.50 * 0.30 = 0.45;
    # Fast Responder top: 0.45 more. No surveys, no moderation: 0.90 in all.
    assert 'data-testid="bonus-total">0.90<' in html
    assert "You are in the top tier." in html
    assert 'href="/standing?month=2026-10"' in html


def test_without_a_stored_ranking_nothing_is_computed(client, auth, program, monkeypatch):
    # #15: a request never computes a month (it took 25 s at 5,000 coaches); it says none is stored yet.
    from helpdesk.rankings import metrics

    def refuse(*args, **kwargs):
        raise AssertionError("computed the month's ranking during a request")

    monkeypatch.setattr(metrics, "ranked_rows", refuse)
    auth.login(program.bob.coach)
    html = client.get("/standing?month=2026-10").get_data(as_text=True)
    assert "No ranking is stored for 2026-10 yet." in html
    assert "Answer 16.00 h faster" not in html and 'data-testid="gate"' not in html


def test_a_coach_without_figures(client, auth, create_coach, snapshot):
    auth.login(create_coach())
    html = client.get("/standing?month=2026-10").get_data(as_text=True)
    assert "You have no figures for 2026-10" in html


@pytest.mark.parametrize("role", ["team_leader", "admin", "support", "auditor", "client"])
def test_only_coaches(client, auth, create_user, role):
    auth.login(create_user(role))
    assert client.get("/standing").status_code == 403
