"""A bad line stores nothing, and every error names FILE:LINE."""

import pytest

from helpdesk.auth.models import User
from helpdesk.clients.models import DailyGoal
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message
from tests.imports.conftest import EXAMPLE, count, line


def _import_with(bad: str, at: int = 13):
    """The example with `bad` inserted so that it is line `at`; returns the result."""
    lines = list(EXAMPLE)
    lines.insert(at - 1, bad)
    result = import_lines(lines, "prog.jsonl")
    assert not result.ok
    assert result.stored == {}
    assert count(User) == 0 and count(Message) == 0  # nothing of the good lines either
    return result


def _only_error(result, lineno: int) -> str:
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert error.startswith(f"prog.jsonl:{lineno}: "), error
    return error


def test_not_json():
    error = _only_error(_import_with('{"type":"user","id":"x-1",', at=3), 3)
    assert "not valid JSON" in error


def test_not_an_object():
    assert "not a JSON object" in _only_error(_import_with("[1, 2]"), 13)


def test_missing_field():
    error = _only_error(_import_with(line(type="survey", client="cl-1", at="2026-10-29T12:00:00Z")), 13)
    assert 'missing required field "score"' in error


def test_wrong_type():
    error = _only_error(_import_with(line(type="daily_goal", client="cl-1", date="2026-10-02", hit="yes")), 13)
    assert '"hit" must be true or false' in error


def test_unknown_type():
    assert "unknown type 'usr'" in _only_error(_import_with(line(type="usr", id="x")), 13)


def test_unknown_reference():
    bad = line(type="message", id="m-9", thread="th-404", author="cl-1", sent_at="2026-10-03T08:00:00Z", body="Hi")
    error = _only_error(_import_with(bad), 13)
    assert 'unknown thread "th-404"' in error


def test_overlapping_assignment():
    bad = line(type="assignment", client="cl-1", coach="co-1", **{"from": "2026-09-01T00:00:00Z", "to": None})
    error = _only_error(_import_with(bad), 13)
    assert 'overlaps the assignment of "cl-1" on line 5' in error


def test_assignment_must_end_after_it_starts():
    bad = line(type="assignment", client="cl-1", coach="co-1",
               **{"from": "2026-07-01T00:00:00Z", "to": "2026-07-01T00:00:00Z"})
    assert '"to" must be after "from"' in _only_error(_import_with(bad), 13)


def test_audit_of_a_clients_message():
    bad = line(type="audit", id="a-2", message="m-1", auditor="au-1", color="yellow", at="2026-10-02T09:00:00Z")
    error = _only_error(_import_with(bad), 13)
    assert "audit of a client's message" in error and '"m-1"' in error


def test_score_of_eleven():
    bad = line(type="survey", client="cl-1", at="2026-10-29T12:00:00Z", score=11)
    assert '"score" must be an integer 0-10, got 11' in _only_error(_import_with(bad), 13)


def test_a_boolean_is_not_a_score():
    bad = line(type="survey", client="cl-1", at="2026-10-29T12:00:00Z", score=True)
    assert '"score" must be an integer 0-10, got a boolean' in _only_error(_import_with(bad), 13)


def test_naive_timestamp():
    bad = line(type="survey", client="cl-1", at="2026-10-29T12:00:00", score=7)
    assert "must have an offset or Z" in _only_error(_import_with(bad), 13)


@pytest.mark.parametrize(("amount", "expected"), [
    ("12.34567", "more than 4 decimal places"),
    ("12,50", "must be a decimal string"),
    (12.5, "must be a decimal string"),
])
def test_bad_money(amount, expected):
    bad = line(type="profit", client="cl-1", date="2026-10-04", amount=amount, kind="profit")
    assert expected in _only_error(_import_with(bad), 13)


def test_bad_date():
    bad = line(type="daily_goal", client="cl-1", date="2026-02-30", hit=True)
    assert "is not a real date" in _only_error(_import_with(bad), 13)


def test_id_longer_than_64():
    bad = line(type="thread", id="t" * 65, client="cl-1")
    assert "1-64 characters" in _only_error(_import_with(bad), 13)


def test_client_without_joined_on():
    error = _only_error(_import_with(line(type="user", id="cl-2", role="client", name="Nell")), 13)
    assert '"joined_on" is required for clients' in error


def test_reports_to_must_be_a_team_leader():
    bad = line(type="user", id="co-2", role="coach", name="Cy", reports_to="co-1")
    assert '"reports_to" must be a team leader; user "co-1" is a coach' in _only_error(_import_with(bad), 13)


def test_another_clients_message_in_a_thread():
    lines = [line(type="user", id="cl-2", role="client", name="Nell", joined_on="2026-01-01"),
             line(type="message", id="m-3", thread="th-1", author="cl-2", sent_at="2026-10-03T08:00:00Z", body="?")]
    result = import_lines(EXAMPLE + lines, "prog.jsonl")
    assert not result.ok
    assert result.errors[0].startswith("prog.jsonl:14: ")
    assert "not this thread's client" in result.errors[0]


def test_unknown_field_is_an_error():
    bad = line(type="survey", client="cl-1", at="2026-10-29T12:00:00Z", score=7, sore=7)
    assert 'unknown field(s) "sore"' in _only_error(_import_with(bad), 13)


def test_same_id_with_different_fields():
    bad = line(type="thread", id="th-1", client="cl-1", subject="Something else")
    assert 'duplicate id; line 6 has thread "th-1"' in _only_error(_import_with(bad), 13)


def test_two_results_for_one_day():
    bad = line(type="daily_goal", client="cl-1", date="2026-10-01", hit=False)
    error = _only_error(_import_with(bad), 13)
    assert "on line 10 with hit=true" in error
    assert count(DailyGoal) == 0


def test_every_error_is_reported_in_line_order():
    lines = list(EXAMPLE)
    lines[2] = "not json"  # cl-1 never defined: later lines naming it fail too
    lines[10] = line(type="survey", client="cl-1", at="2026-10-28T12:00:00Z", score=-1)
    result = import_lines(lines, "prog.jsonl")

    numbers = [int(e.split(":")[1]) for e in result.errors]
    assert numbers == sorted(numbers)
    assert numbers[0] == 3 and 11 in numbers
    assert {5, 6, 10, 12} <= set(numbers)  # the assignment, thread, goal and profit name the missing client
    assert count(User) == 0
