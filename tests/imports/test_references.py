"""References: to earlier lines only, or to rows already stored; stored rows are compared, not duplicated."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.clients.models import Assignment, DailyGoal, SurveyResponse, Vacation
from helpdesk.extensions import db
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message, Thread
from helpdesk.moderation.models import Listing, ModerationDecision
from tests.imports.conftest import EXAMPLE, count, line


def test_a_reference_to_a_later_line_is_an_error():
    lines = [EXAMPLE[1], EXAMPLE[0]]  # the coach names a team leader defined on the next line
    result = import_lines(lines, "f.jsonl")

    assert result.errors == ['f.jsonl:1: user "co-1": unknown user "tl-1" in "reports_to" '
                             "(it must be defined on an earlier line or already be stored)"]


def test_message_before_its_thread_is_an_error():
    lines = EXAMPLE[:5] + [EXAMPLE[6], EXAMPLE[5]]
    result = import_lines(lines, "f.jsonl")

    assert len(result.errors) == 1 and result.errors[0].startswith("f.jsonl:6: ")
    assert 'unknown thread "th-1"' in result.errors[0]


def test_references_to_rows_already_stored(create_team_leader, create_coach, create_client, create_user, assign):
    lea = create_team_leader(external_id="tl-9")
    ann = create_coach(team_leader=lea, external_id="co-9")
    kim = create_client(external_id="cl-9", joined_on=date(2026, 1, 1))
    auditor = create_user("auditor", external_id="au-9")
    create_user("auditor", external_id="au-10")
    assign(kim, ann, starts_at=datetime(2026, 1, 1, tzinfo=UTC), ends_at=datetime(2026, 6, 1, tzinfo=UTC))
    lines = [
        line(type="assignment", client="cl-9", coach="co-9", **{"from": "2026-06-01T00:00:00Z", "to": None}),
        line(type="thread", id="th-9", client="cl-9", subject="Fees"),
        line(type="message", id="m-91", thread="th-9", author="cl-9", sent_at="2026-10-01T08:00:00Z", body="Q"),
        line(type="message", id="m-92", thread="th-9", author="co-9", sent_at="2026-10-01T09:00:00Z", body="A"),
        line(type="audit", id="a-9", message="m-92", auditor="au-9", color="green", at="2026-10-02T09:00:00Z"),
        line(type="vacation", coach="co-9", **{"from": "2026-12-01", "to": "2026-12-05"}),
    ]
    result = import_lines(lines)

    assert result.ok, result.errors
    assert result.stored == {"assignment": 1, "thread": 1, "message": 2, "audit": 1, "vacation": 1}
    audit = db.session.scalar(select(Audit))
    assert (audit.coach_id, audit.auditor_id) == (ann.id, auditor.id)
    assert db.session.scalar(select(Thread.client_id)) == kim.id
    assert db.session.scalar(select(Vacation.coach_id)) == ann.id
    assert count(Assignment) == 2

    # An audit in a later file may name a message stored by an earlier import.
    second = import_lines([line(type="audit", id="a-10", message="m-91", auditor="au-9", color="blue",
                                at="2026-10-02T09:00:00Z"),
                           line(type="audit", id="a-11", message="m-92", auditor="au-10", color="blue",
                                at="2026-10-03T09:00:00Z")], "g.jsonl")
    assert second.errors == ["g.jsonl:1: audit \"a-10\": audit of a client's message: message \"m-91\" was "
                             "written by a client; only coaches' messages are audited"]
    assert import_lines([line(type="audit", id="a-11", message="m-92", auditor="au-10", color="blue",
                              at="2026-10-03T09:00:00Z")]).ok
    assert count(Audit) == 2


def test_overlap_with_a_stored_assignment(create_coach, create_client):
    ann = create_coach(external_id="co-8")
    create_client(coach=ann, external_id="cl-8")  # assigned since 2020, still open
    bad = line(type="assignment", client="cl-8", coach="co-8", **{"from": "2026-06-01T00:00:00Z", "to": None})
    result = import_lines([bad], "f.jsonl")

    assert len(result.errors) == 1 and result.errors[0].startswith("f.jsonl:1: ")
    assert 'overlaps the assignment of "cl-8" stored' in result.errors[0]
    assert count(Assignment) == 1


def test_stored_id_with_different_fields_names_the_id(create_client):
    create_client(external_id="cl-1", name="Clifford", joined_on=date(2026, 8, 20))
    result = import_lines(EXAMPLE[2:3], "f.jsonl")

    assert result.errors == ['f.jsonl:1: user "cl-1": already stored with different fields: '
                             "name (stored 'Clifford', file 'Cliff Client')"]


def test_stored_daily_goal_with_another_result_is_an_error(create_client):
    kim = create_client(external_id="cl-7")
    db.session.add(DailyGoal(client_id=kim.id, date=date(2026, 10, 1), hit=False))
    db.session.flush()

    same = import_lines([line(type="daily_goal", client="cl-7", date="2026-10-01", hit=False)])
    assert same.ok and same.skipped == {"daily_goal": 1} and same.stored == {}
    other = import_lines([line(type="daily_goal", client="cl-7", date="2026-10-01", hit=True)], "f.jsonl")
    assert other.errors == ['f.jsonl:1: daily_goal: the daily goal of "cl-7" on 2026-10-01 is already stored '
                            "with hit=false; one result per client and day"]


def test_lines_equal_to_stored_rows_are_skipped(create_client):
    kim = create_client(external_id="cl-6")
    db.session.add(SurveyResponse(client_id=kim.id, at=datetime(2026, 10, 28, 12, tzinfo=UTC), score=9))
    db.session.flush()
    lines = [line(type="survey", client="cl-6", at="2026-10-28T14:00:00+02:00", score=9),  # the same instant
             line(type="survey", client="cl-6", at="2026-10-28T12:00:00Z", score=8)]
    result = import_lines(lines)

    assert result.skipped == {"survey": 1} and result.stored == {"survey": 1}
    assert count(SurveyResponse) == 2


def test_email_already_used(create_user):
    create_user("coach", external_id="co-5", email="cora@example.com")
    bad = line(type="user", id="co-6", role="coach", name="Cora Two", email="cora@example.com")
    result = import_lines([bad], "f.jsonl")

    assert result.errors == ['f.jsonl:1: user "co-6": email "cora@example.com" already belongs to user "co-5"']


def test_moderation_sets_listing_status_and_first_decision():
    lines = EXAMPLE[:4] + [
        line(type="listing", id="li-1", seller="cl-1", title="Oak table", submitted_at="2026-10-01T08:00:00Z"),
        line(type="listing", id="li-2", seller="cl-1", title="Bike", submitted_at="2026-10-01T09:00:00Z"),
        line(type="moderation", listing="li-1", moderator="co-1", decision="approve", at="2026-10-01T10:00:00Z"),
        line(type="moderation", listing="li-1", moderator="au-1", decision="reject", at="2026-10-03T10:00:00Z",
             reason="Prohibited"),
    ]
    result = import_lines(lines)
    assert result.ok, result.errors
    listings = {li.external_id: li for li in db.session.scalars(select(Listing))}
    assert listings["li-1"].status == "rejected"
    assert listings["li-1"].first_decision_at == datetime(2026, 10, 1, 10, tzinfo=UTC)
    assert (listings["li-2"].status, listings["li-2"].first_decision_at) == ("pending", None)
    assert count(ModerationDecision) == 2

    # The same decisions again change nothing; a moderation by a client is an error.
    assert import_lines(lines).skipped["moderation"] == 2
    bad = import_lines([line(type="moderation", listing="li-2", moderator="cl-1", decision="approve",
                             at="2026-10-02T10:00:00Z")], "f.jsonl")
    assert '"moderator" must be a staff member; user "cl-1" is a client' in bad.errors[0]


def test_audits_name_messages_earlier_in_the_same_file():
    result = import_lines(EXAMPLE[:8] + [line(type="audit", id="a-3", message="m-2", auditor="au-1",
                                              color="yellow", at="2026-10-02T10:00:00Z")])
    assert result.ok
    message_id = db.session.scalar(select(Message.id).where(Message.external_id == "m-2"))
    assert db.session.scalar(select(Audit.message_id)) == message_id
