"""`bonus compute` / `bonus export` through the CLI on the import-format example; snapshots survive failures."""

import json
from datetime import date

import pytest

from helpdesk.extensions import db
from helpdesk.rankings.snapshot import current_snapshot
from tests.rankings.conftest import at


@pytest.fixture
def import_example(create_user, create_coach, create_client, assign, create_thread, create_message, audit,
                   goals, survey, profit):
    """The records of import-format.md's example."""
    leader = create_user("team_leader", external_id="tl-1")
    coach = create_coach(team_leader=leader, external_id="co-1", moderation_trained=True)
    client = create_client(external_id="cl-1", joined_on=date(2026, 8, 20))
    assign(client, coach, starts_at=at(20, month=8))
    thread = create_thread(client, subject="Ad platform fee")
    create_message(thread, client, sent_at=at(1, 8))
    reply = create_message(thread, coach, sent_at=at(1, 11, 30))
    audit(reply, color="blue", when=at(2, 9))
    goals(client, hits={1}, days=[1])
    survey(client, at(28, 12), 9)
    profit(client, date(2026, 10, 3), "120.00")
    return coach


def test_compute_then_export_json(runner, import_example, no_redis):
    result = runner.invoke(args=["bonus", "compute", "2026-10", "--as-of", "2026-11-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["bonus", "export", "2026-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    assert row == {
        "month": "2026-10", "coach": "co-1", "answered": 1, "needs_improvement": 0,   # the audit is Blue
        "communication_quality": 1, "cq_rank": 1, "eligible": True,
        "samples": 1, "breaches": 0, "mean_response_seconds": 12600,                  # 08:00 -> 11:30
        "fast_responder_rank": 1, "fast_responder_tier": "top",
        # new client all October (weight 10), one hit of 31 days: 10/310 = 0.0322580645... -> 0.032258065
        "client_success_rate": 0.032258065, "client_success_tier": "top",
        "client_happiness": 100, "client_happiness_tier": "top",                     # one promoter
        "moderated": 0, "approved_later_rejected": 0, "moderation_accuracy": None, "moderation_tier": None,
        "base_compensation": "12.00",                                                 # 120.00 at 10%
        "ad_credit_compensation": "0.00",
        "bonus_client_success": "3.60", "bonus_client_happiness": "3.60", "bonus_fast_responder": "3.60",
        "bonus_moderation": "0.00",
    }
    assert list(row) == ["month", "coach", "answered", "needs_improvement", "communication_quality", "cq_rank",
                         "eligible", "samples", "breaches", "mean_response_seconds", "fast_responder_rank",
                         "fast_responder_tier", "client_success_rate", "client_success_tier",
                         "client_happiness", "client_happiness_tier", "moderated", "approved_later_rejected",
                         "moderation_accuracy", "moderation_tier", "base_compensation",
                         "ad_credit_compensation", "bonus_client_success", "bonus_client_happiness",
                         "bonus_fast_responder", "bonus_moderation"]
    csv_out = runner.invoke(args=["bonus", "export", "2026-10", "--format", "csv"]).output.splitlines()
    assert csv_out[0].startswith("month,coach,answered,")
    assert csv_out[1] == ("2026-10,co-1,1,0,1,1,true,1,0,12600,1,top,0.032258065,top,100,top,0,0,,,"
                          "12.00,0.00,3.60,3.60,3.60,0.00")


def test_bad_input_is_a_clear_error(runner):
    assert "month must be YYYY-MM" in runner.invoke(args=["bonus", "compute", "2026-13"]).output
    assert "not an ISO 8601" in runner.invoke(args=["bonus", "compute", "2026-10", "--as-of", "soon"]).output
    result = runner.invoke(args=["bonus", "export", "1999-01"])
    assert result.exit_code != 0 and "no ranking stored for 1999-01" in result.output


def test_failed_run_leaves_the_previous_snapshot(runner, import_example, monkeypatch, no_redis):
    from helpdesk.rankings import snapshot as snapshot_module

    assert runner.invoke(args=["bonus", "compute", "2026-10", "--as-of", "2026-10-15T00:00:00Z"]).exit_code == 0
    before = current_snapshot("2026-10")
    before_id, before_rows = before.id, [(r.coach, r.base_compensation) for r in before.rows]

    def die_while_switching(snapshot):
        raise RuntimeError("worker killed mid-ranking")

    monkeypatch.setattr(snapshot_module, "switch_to", die_while_switching)
    result = runner.invoke(args=["bonus", "compute", "2026-10", "--as-of", "2026-11-01T00:00:00Z"])
    assert result.exit_code != 0 and "worker killed mid-ranking" in result.output
    db.session.expire_all()
    after = current_snapshot("2026-10")
    assert after.id == before_id
    assert [(r.coach, r.base_compensation) for r in after.rows] == before_rows
    assert str(after.as_of) == "2026-10-15 00:00:00+00:00"
    monkeypatch.undo()
    assert runner.invoke(args=["bonus", "compute", "2026-10", "--as-of", "2026-11-01T00:00:00Z"]).exit_code == 0
    db.session.expire_all()
    assert current_snapshot("2026-10").id != before_id
