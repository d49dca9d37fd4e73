"""An import leaves the SLA waits current (issue #15): the waits job that follows has nothing to replay, yet a
message the app posts while the import runs is still replayed."""

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.imports import services, writer
from helpdesk.imports.checker import Checker
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message, Thread
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import recompute_waits, update_waits
from tests.imports.conftest import EXAMPLE, line

T = datetime(2026, 10, 1, 8, tzinfo=UTC)


def _waits():
    rows = db.session.scalars(select(ResponseWait).order_by(ResponseWait.opened_by_message_id)).all()
    return [(w.thread_id, w.client_id, w.opened_by_message_id, w.wait_start, w.start_us, w.reply_message_id,
             w.replied_at, w.reply_us, w.replied_by_id) for w in rows]


def _message(ext):
    return db.session.scalar(select(Message).where(Message.external_id == ext))


def test_the_import_stores_its_waits_and_the_job_then_replays_nothing():
    result = import_lines(EXAMPLE)
    assert result.ok, result.errors
    question, reply = _message("m-1"), _message("m-2")
    stored = db.session.scalars(select(ResponseWait)).all()
    assert [(w.opened_by_message_id, w.reply_message_id, w.replied_at) for w in stored] == [
        (question.id, reply.id, reply.sent_at)]
    assert stored[0].reply_us - stored[0].start_us == 3.5 * 3600 * 1_000_000

    assert update_waits() == {"threads": 0, "messages": 0}
    imported = _waits()
    recompute_waits()
    assert _waits() == imported  # what the import stored is what a full recompute gives


def test_a_message_posted_after_the_import_is_replayed_as_usual(create_message):
    import_lines(EXAMPLE)
    update_waits()
    thread = db.session.scalar(select(Thread).where(Thread.external_id == "th-1"))
    client = _message("m-1").author
    late = create_message(thread, client, sent_at=datetime(2026, 10, 3, tzinfo=UTC))
    assert update_waits() == {"threads": 1, "messages": 3}
    assert [w.opened_by_message_id for w in db.session.scalars(select(ResponseWait))
            if w.reply_message_id is None] == [late.id]


def test_a_second_import_into_known_threads_stores_their_waits_again():
    import_lines(EXAMPLE)
    more = [line(type="message", id="m-3", thread="th-1", author="cl-1", sent_at="2026-10-04T08:00:00Z",
                 body="One more question"),
            line(type="message", id="m-4", thread="th-1", author="co-1", sent_at="2026-10-04T09:00:00Z",
                 body="An answer")]
    assert import_lines(more).ok
    assert update_waits() == {"threads": 0, "messages": 0}
    imported = _waits()
    assert len(imported) == 2
    recompute_waits()
    assert _waits() == imported


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="keys come from PostgreSQL's sequence while the app inserts at the same time")
def test_a_message_posted_in_the_app_while_the_import_runs_is_not_skipped(monkeypatch, create_coach,
                                                                          create_client, create_thread,
                                                                          create_message):
    # One line per chunk and one key per block: the app's message takes an id between the import's two.
    monkeypatch.setattr(services, "CHUNK_LINES", 1)
    monkeypatch.setattr(writer, "FIRST_BLOCK", 1)
    monkeypatch.setattr(writer, "LARGEST_BLOCK", 1)
    coach = create_coach()
    client = create_client(coach=coach)
    app_thread = create_thread(client)
    update_waits()
    posted = []
    check_chunk = Checker.check_chunk

    def check_then_post(self, chunk):
        check_chunk(self, chunk)
        if '"m-1"' in str(chunk[0][1]) and not posted:
            with self.stored.guard:  # the import's COPYs share the connection
                posted.append(create_message(app_thread, client, sent_at=T))

    monkeypatch.setattr(Checker, "check_chunk", check_then_post)
    assert import_lines(EXAMPLE).ok
    assert _message("m-1").id < posted[0].id < _message("m-2").id

    assert update_waits() == {"threads": 1, "messages": 1}
    assert [w.thread_id for w in db.session.scalars(select(ResponseWait).where(ResponseWait.thread_id == app_thread.id))
            ] == [app_thread.id]
    waits = _waits()
    recompute_waits()
    assert _waits() == waits
