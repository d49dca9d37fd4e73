"""Clean chunks are written while later ones are still checked; any error still leaves nothing stored.

Chunks of two lines and batches of three rows make every chunk reach the database before the next is
checked, so these tests see the rollback of rows already written.
"""

import pytest
from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import DailyGoal, SurveyResponse
from helpdesk.extensions import db
from helpdesk.imports import services, writer
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message, Thread
from tests.imports.conftest import EXAMPLE, EXAMPLE_COUNTS, count, line


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_LINES", 2)
    monkeypatch.setattr(writer, "BATCH_ROWS", 3)
    monkeypatch.setattr(writer, "FIRST_BLOCK", 1)
    monkeypatch.setattr(writer, "LARGEST_BLOCK", 2)


def test_the_example_in_small_chunks_is_stored_exactly():
    result = import_lines(EXAMPLE)
    assert result.ok, result.errors
    assert result.stored == EXAMPLE_COUNTS
    audit = db.session.scalar(select(Audit))
    reply = db.session.scalar(select(Message).where(Message.external_id == "m-2"))
    coach = db.session.scalar(select(User).where(User.external_id == "co-1"))
    # The audit (line 9) refers to a message written two chunks earlier.
    assert (audit.message_id, audit.coach_id) == (reply.id, coach.id)
    # Keys follow file order across reserved blocks.
    users = db.session.scalars(select(User).order_by(User.id)).all()
    assert [u.external_id for u in users] == ["tl-1", "co-1", "cl-1", "au-1"]
    assert db.session.scalar(select(Thread)).last_message_at is not None


def test_an_error_on_the_last_line_rolls_back_the_chunks_already_written():
    bad = line(type="survey", client="cl-1", at="2026-10-29T12:00:00Z", score=11)
    result = import_lines(EXAMPLE + [bad], "prog.jsonl")
    assert result.errors == ['prog.jsonl:13: survey: field "score" must be an integer 0-10, got 11']
    assert result.stored == {}
    for model in (User, Thread, Message, Audit, DailyGoal, SurveyResponse):
        assert count(model) == 0, model


def test_errors_after_the_first_are_still_all_reported():
    lines = EXAMPLE + [line(type="survey", client="nobody", at="2026-10-29T12:00:00Z", score=3),
                       line(type="daily_goal", client="cl-1", date="2026-10-01", hit=False),
                       line(type="survey", client="cl-1", at="2026-10-30T12:00:00Z", score=4)]
    result = import_lines(lines, "f.jsonl")
    assert [e.split(": ")[0] for e in result.errors] == ["f.jsonl:13", "f.jsonl:14"]
    assert count(User) == 0 and count(SurveyResponse) == 0


def test_stored_rows_of_an_earlier_import_survive_a_failed_one():
    assert import_lines(EXAMPLE).ok
    more = [line(type="user", id="cl-2", role="client", name="Clara", joined_on="2026-09-01"),
            line(type="daily_goal", client="cl-2", date="2026-10-01", hit=True),
            line(type="survey", client="cl-2", at="2026-10-29T12:00:00Z", score="ten")]
    result = import_lines(more, "more.jsonl")
    assert len(result.errors) == 1 and result.errors[0].startswith("more.jsonl:3: ")
    assert count(User) == 4 and count(DailyGoal) == 1
    assert db.session.scalar(select(User).where(User.external_id == "cl-2")) is None


def test_a_database_failure_while_writing_rolls_back_and_raises(monkeypatch):
    def broken(self, kind, rows):
        if kind == "message":
            raise RuntimeError("disk full")
        return original(self, kind, rows)

    original = writer.BulkWriter._copy
    monkeypatch.setattr(writer.BulkWriter, "_copy", broken)
    real_flush = writer.BulkWriter.flush

    def flush_sqlite(self):  # SQLite writes in flush() itself, without the COPY worker
        if self._queue is None and self.buffers["message"]:
            raise RuntimeError("disk full")
        return real_flush(self)

    monkeypatch.setattr(writer.BulkWriter, "flush", flush_sqlite)
    with pytest.raises(RuntimeError, match="disk full"):
        import_lines(EXAMPLE)
    assert count(User) == 0 and count(Thread) == 0


def test_a_failed_copy_is_the_error_raised_not_its_echo(monkeypatch):
    """PostgreSQL: when a COPY fails, later statements on the connection fail too ("transaction is
    aborted"); the import raises the COPY's own error, and the earlier import's rows survive."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("COPY runs on PostgreSQL only")
    import psycopg

    assert import_lines(EXAMPLE).ok
    real_key = writer.RowBuilder.key

    def dangling(self, kind, ext):
        return 10**9 if kind == "thread" else real_key(self, kind, ext)  # a thread that does not exist

    monkeypatch.setattr(writer.RowBuilder, "key", dangling)
    more = [line(type="message", id=f"m-x{i}", thread="th-1", author="cl-1", sent_at="2026-10-05T08:00:00Z",
                 body=f"more {i}") for i in range(8)]
    more += [line(type="survey", client="cl-1", at=f"2026-11-0{i}T12:00:00Z", score=5) for i in range(1, 9)]
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        import_lines(more)
    assert count(Message) == 2 and count(SurveyResponse) == 1
