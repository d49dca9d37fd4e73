"""Feedback rules: who is audited, which comment is required, who is told, and the Yellow's 24 h clock."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.audits import feedback
from helpdesk.audits.services import AuditError
from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from tests.audits.conftest import T


def _notes(user):
    return db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)).all()


def test_yellow_notifies_coach_and_their_team_leader(desk, audit):
    audit("yellow")
    assert _notes(desk.coach) == ["Yellow (Needs Improvement) audit on your reply in \u201cAd budget\u201d"]
    assert _notes(desk.leader) == ["Yellow (Needs Improvement) audit on Cora Coach's reply in \u201cAd budget\u201d"]
    assert _notes(desk.client) == []


def test_green_needs_no_comment_but_blue_and_yellow_do(desk, audit):
    assert audit("green", comment="").comment is None
    for color in ("blue", "yellow"):
        with pytest.raises(AuditError) as err:
            feedback.create_audit(desk.other_coach, desk.reply, color, "   ")
        assert err.value.field == "comment"


def test_unknown_colour_names_color(desk):
    with pytest.raises(AuditError) as err:
        feedback.create_audit(desk.auditor, desk.reply, "purple", "hmm")
    assert err.value.field == "color"


def test_a_clients_message_cannot_be_audited(desk):
    with pytest.raises(AuditError) as err:
        feedback.create_audit(desk.auditor, desk.question, "green")
    assert err.value.field == "message"


def test_the_same_auditor_cannot_audit_a_reply_twice(desk, audit):
    audit("green")
    with pytest.raises(AuditError) as err:
        audit("yellow")
    assert (err.value.field, err.value.status) == ("message", 409)


def test_yellow_clock_time_left_then_overdue_just_after_24h(desk, audit):
    a = audit("yellow", at=T)
    clock = feedback.yellow_clock(a, T + timedelta(hours=20, minutes=30))
    assert (clock.state, clock.seconds_left) == ("open", 3 * 3600 + 30 * 60)
    assert feedback.yellow_clock(a, T + timedelta(hours=24)).state == "open"  # exactly 24 h: not yet over
    late = feedback.yellow_clock(a, T + timedelta(hours=24, seconds=1))
    assert (late.state, late.overdue_seconds) == ("overdue", 1)
    assert feedback.yellow_clock(a, T + timedelta(hours=30)).overdue_seconds == 6 * 3600


def test_green_and_blue_have_no_clock(desk, audit):
    assert feedback.yellow_clock(audit("blue"), T + timedelta(days=3)).state == ""


def test_acting_on_a_yellow_records_the_time_taken(desk, audit, create_message):
    a = audit("yellow", at=T + timedelta(hours=2))
    better = create_message(desk.thread, desk.coach, sent_at=T + timedelta(hours=7, minutes=15), body="Better")
    feedback.act_on_yellow(desk.coach, a, better.id, now=T + timedelta(hours=8))
    clock = feedback.yellow_clock(a, T + timedelta(days=5))
    assert (clock.state, clock.taken_seconds, clock.late) == ("acted", 5 * 3600 + 15 * 60, False)
    assert a.acted_at == T + timedelta(hours=8)
    with pytest.raises(AuditError) as err:
        feedback.act_on_yellow(desk.coach, a, better.id)
    assert err.value.status == 409


def test_a_reply_written_after_24h_is_acted_on_late(desk, audit, create_message):
    a = audit("yellow", at=T)
    better = create_message(desk.thread, desk.coach, sent_at=T + timedelta(hours=26))
    feedback.act_on_yellow(desk.coach, a, better.id, now=T + timedelta(hours=26))
    assert feedback.yellow_clock(a).late


@pytest.mark.parametrize("which", ["before", "client", "other_thread", "junk"])
def test_only_the_coachs_later_reply_in_the_thread_can_be_linked(which, desk, audit, create_message,
                                                                create_thread):
    a = audit("yellow", at=T + timedelta(hours=2))
    message_id = {
        "before": lambda: desk.reply.id,
        "client": lambda: create_message(desk.thread, desk.client, sent_at=T + timedelta(hours=3)).id,
        "other_thread": lambda: create_message(create_thread(desk.client), desk.coach,
                                               sent_at=T + timedelta(hours=3)).id,
        "junk": lambda: "abc",
    }[which]()
    with pytest.raises(AuditError) as err:
        feedback.act_on_yellow(desk.coach, a, message_id)
    assert err.value.field == "message_id"
    assert a.acted_message_id is None


def test_only_the_audited_coach_acts(desk, audit, create_message):
    a = audit("yellow")
    with pytest.raises(AuditError) as err:
        feedback.act_on_yellow(desk.leader, a, desk.reply.id)
    assert err.value.status == 403
