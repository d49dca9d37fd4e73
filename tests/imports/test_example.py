"""The example of import-format.md: stored exactly once, then skipped."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message, Thread
from tests.imports.conftest import EXAMPLE, EXAMPLE_COUNTS, count


def _user(ext):
    return db.session.scalar(select(User).where(User.external_id == ext))


def test_example_stores_what_it_says():
    result = import_lines(EXAMPLE, "program.jsonl")

    assert result.ok, result.errors
    assert result.stored == EXAMPLE_COUNTS
    assert result.skipped == {}
    assert (count(User), count(Assignment), count(Thread), count(Message), count(Audit)) == (4, 1, 1, 2, 1)
    assert (count(DailyGoal), count(SurveyResponse), count(ProfitRecord)) == (1, 1, 1)

    coach, client = _user("co-1"), _user("cl-1")
    assert coach.reports_to.external_id == "tl-1" and coach.moderation_trained is True
    assert client.joined_on == date(2026, 8, 20)
    # Imported people cannot sign in until someone sets a password.
    assert all(u.password_hash is None for u in db.session.scalars(select(User)))

    audit = db.session.scalar(select(Audit))
    assert audit.external_id == "a-1" and audit.color == "blue"
    assert audit.coach_id == coach.id  # the audited message's author
    assert audit.message.external_id == "m-2"
    assert audit.at == datetime(2026, 10, 2, 9, tzinfo=UTC)

    assignment = db.session.scalar(select(Assignment))
    assert (assignment.client_id, assignment.coach_id, assignment.ends_at) == (client.id, coach.id, None)
    assert db.session.scalar(select(ProfitRecord.amount)) == Decimal("120.00")
    assert db.session.scalar(select(SurveyResponse.score)) == 9

    thread = db.session.scalar(select(Thread))
    assert thread.subject == "Ad platform fee" and thread.client_id == client.id
    # The coach answered the client's question last: nobody is waiting.
    assert thread.last_message_at == datetime(2026, 10, 1, 11, 30, tzinfo=UTC)
    assert thread.waiting_since is None


def test_second_run_skips_everything():
    assert import_lines(EXAMPLE).ok
    again = import_lines(EXAMPLE, "program.jsonl")

    assert again.ok
    assert again.stored == {}
    assert again.skipped == EXAMPLE_COUNTS
    assert count(User) == 4 and count(Message) == 2 and count(Audit) == 1
    assert again.summary()[-1] == "nothing new: all 12 record(s) in program.jsonl were already stored"


def test_a_file_that_repeats_a_line_stores_it_once():
    result = import_lines(EXAMPLE + EXAMPLE[9:])  # daily goal, survey, profit twice

    assert result.ok, result.errors
    assert result.stored == EXAMPLE_COUNTS
    assert result.skipped == {"daily_goal": 1, "survey": 1, "profit": 1}
    assert count(DailyGoal) == 1 and count(SurveyResponse) == 1 and count(ProfitRecord) == 1


def test_messages_get_keys_in_file_order():
    lines = EXAMPLE[:6] + [
        '{"type":"message","id":"m-late","thread":"th-1","author":"cl-1","sent_at":"2026-10-05T08:00:00Z","body":"b"}',
        '{"type":"message","id":"m-early","thread":"th-1","author":"cl-1","sent_at":"2026-10-01T08:00:00Z","body":"a"}',
    ]
    assert import_lines(lines).ok

    ids = {ext: pk for ext, pk in db.session.execute(select(Message.external_id, Message.id))}
    assert ids["m-late"] < ids["m-early"]


def test_summary_counts_per_type():
    result = import_lines(EXAMPLE)

    summary = result.summary()
    assert summary[0].split() == ["user", "stored", "4", "skipped", "0"]
    assert summary[-1] == "stored 12 record(s), skipped 0 already stored"
