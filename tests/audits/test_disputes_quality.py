"""Disputes (once, decided by the coach's team leader) and live Communication Quality."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.audits import disputes
from helpdesk.audits.quality import live_quality
from helpdesk.audits.services import AuditError


def test_a_yellow_is_disputed_once(desk, audit):
    a = audit("yellow")
    disputes.dispute(desk.coach, a, "I did explain it.")
    with pytest.raises(AuditError) as err:
        disputes.dispute(desk.coach, a, "Again")
    assert (err.value.field, err.value.status) == ("audit", 409)
    assert a.dispute_reason == "I did explain it."


def test_dispute_needs_a_reason_and_a_yellow_of_ones_own(desk, audit):
    a = audit("yellow")
    with pytest.raises(AuditError) as err:
        disputes.dispute(desk.coach, a, "  ")
    assert err.value.field == "reason"
    with pytest.raises(AuditError) as err:
        disputes.dispute(desk.other_coach, a, "not mine")
    assert err.value.status == 403
    with pytest.raises(AuditError) as err:
        disputes.dispute(desk.coach, audit("blue", auditor=desk.leader), "blue")
    assert err.value.field == "audit"


def test_only_the_coachs_team_leader_resolves(desk, audit, create_team_leader):
    a = audit("yellow")
    with pytest.raises(AuditError) as err:
        disputes.resolve(desk.leader, a, "overturned")
    assert err.value.field == "audit"  # not disputed yet
    disputes.dispute(desk.coach, a, "reason")
    with pytest.raises(AuditError) as err:
        disputes.resolve(create_team_leader(), a, "overturned")
    assert err.value.status == 403
    with pytest.raises(AuditError) as err:
        disputes.resolve(desk.leader, a, "maybe")
    assert err.value.field == "resolution"
    disputes.resolve(desk.leader, a, "upheld")
    with pytest.raises(AuditError) as err:
        disputes.resolve(desk.leader, a, "overturned")
    assert err.value.status == 409


def test_overturning_a_yellow_raises_live_quality(desk, create_message, create_user):
    """4 replies this month, 2 carry standing Yellows: 1 - 2/4 = 0.5; one overturned: 1 - 1/4 = 0.75."""
    from helpdesk.audits import feedback

    now = datetime(2026, 10, 20, 12, tzinfo=UTC)
    replies = [desk.reply] + [create_message(desk.thread, desk.coach, sent_at=datetime(2026, 10, d, tzinfo=UTC))
                              for d in (6, 7, 8)]
    create_message(desk.thread, desk.coach, sent_at=datetime(2026, 9, 30, 23, tzinfo=UTC))  # last month
    first = feedback.create_audit(desk.auditor, replies[1], "yellow", "vague", at=datetime(2026, 10, 9, tzinfo=UTC))
    feedback.create_audit(desk.auditor, replies[2], "yellow", "rude", at=datetime(2026, 10, 9, tzinfo=UTC))
    feedback.create_audit(desk.auditor, replies[3], "green", "", at=datetime(2026, 10, 9, tzinfo=UTC))
    (row,) = live_quality([desk.coach], now)
    assert (row["answered"], row["needs_improvement"], row["quality"]) == (4, 2, 0.5)
    disputes.dispute(desk.coach, first, "It was clear", now=now - timedelta(hours=2))
    disputes.resolve(desk.leader, first, "overturned", now=now - timedelta(hours=1))
    (row,) = live_quality([desk.coach], now)
    assert (row["answered"], row["needs_improvement"], row["quality"]) == (4, 1, 0.75)


def test_a_coach_with_no_reply_has_no_figure(desk):
    (row,) = live_quality([desk.other_coach], datetime(2026, 10, 20, tzinfo=UTC))
    assert (row["answered"], row["quality"]) == (0, None)
