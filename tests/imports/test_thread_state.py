"""refresh_thread_state: last_message_at and the wait open now (metrics.md section 3), after an import too."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Thread
from helpdesk.inbox.thread_state import refresh_thread_state
from tests.imports.conftest import EXAMPLE, line

T = datetime(2026, 10, 1, 8, tzinfo=UTC)


def _at(hours):
    return T + timedelta(hours=hours)


def test_client_wrote_last_waits_since_the_first_unanswered_message(create_coach, create_client, create_thread,
                                                                    create_message):
    ann = create_coach()
    kim = create_client(coach=ann)
    thread = create_thread(kim)
    create_message(thread, kim, sent_at=_at(0))
    create_message(thread, ann, sent_at=_at(1))
    create_message(thread, kim, sent_at=_at(2))  # opens the wait still open now
    create_message(thread, kim, sent_at=_at(3))  # a wait is already open: nothing changes

    refresh_thread_state([thread.id])

    assert thread.waiting_since == _at(2)
    assert thread.last_message_at == _at(3)


def test_staff_answered_last_nobody_waits(create_user, create_client, create_thread, create_message):
    kim = create_client()
    support = create_user("support")
    thread = create_thread(kim, waiting_since=_at(0))
    create_message(thread, kim, sent_at=_at(0))
    create_message(thread, support, sent_at=_at(5))

    refresh_thread_state([thread.id])

    assert thread.waiting_since is None
    assert thread.last_message_at == _at(5)


def test_another_clients_message_neither_opens_nor_closes(create_coach, create_client, create_thread,
                                                          create_message):
    ann = create_coach()
    kim, joe = create_client(), create_client()
    answered, waiting = create_thread(kim), create_thread(kim)
    create_message(answered, kim, sent_at=_at(0))
    create_message(answered, ann, sent_at=_at(1))
    create_message(answered, joe, sent_at=_at(2))
    create_message(waiting, kim, sent_at=_at(0))
    create_message(waiting, joe, sent_at=_at(1))

    refresh_thread_state(None)

    assert answered.waiting_since is None and answered.last_message_at == _at(2)
    assert waiting.waiting_since == _at(0)


def test_same_instant_is_ordered_by_id(create_coach, create_client, create_thread, create_message):
    ann = create_coach()
    kim = create_client()
    reply_first, question_first = create_thread(kim), create_thread(kim)
    create_message(reply_first, ann, sent_at=_at(1))
    create_message(reply_first, kim, sent_at=_at(1))  # later by id: still waiting
    create_message(question_first, kim, sent_at=_at(1))
    create_message(question_first, ann, sent_at=_at(1))  # later by id: answered

    refresh_thread_state([reply_first.id, question_first.id])

    assert reply_first.waiting_since == _at(1)
    assert question_first.waiting_since is None


def test_only_the_given_threads_change_and_empty_threads_are_cleared(create_client, create_thread,
                                                                     create_message):
    kim = create_client()
    untouched = create_thread(kim)
    create_message(untouched, kim, sent_at=_at(0))  # stays as it was: not asked for
    empty = create_thread(kim, last_message_at=_at(9), waiting_since=_at(9))

    refresh_thread_state([empty.id])

    assert (empty.last_message_at, empty.waiting_since) == (None, None)
    assert (untouched.last_message_at, untouched.waiting_since) == (None, None)


def test_after_import_a_thread_whose_client_wrote_last_is_waiting():
    lines = EXAMPLE[:8] + [
        line(type="thread", id="th-2", client="cl-1", subject="Listing stuck"),
        line(type="message", id="m-3", thread="th-2", author="cl-1", sent_at="2026-10-04T08:00:00Z", body="?"),
        line(type="message", id="m-4", thread="th-2", author="co-1", sent_at="2026-10-04T09:00:00Z", body="!"),
        line(type="message", id="m-5", thread="th-2", author="cl-1", sent_at="2026-10-05T07:00:00+02:00",
             body="Still stuck"),
    ]
    assert import_lines(lines).ok

    threads = {t.external_id: t for t in db.session.scalars(select(Thread))}
    assert threads["th-1"].waiting_since is None
    assert threads["th-2"].waiting_since == datetime(2026, 10, 5, 5, tzinfo=UTC)
    assert threads["th-2"].last_message_at == datetime(2026, 10, 5, 5, tzinfo=UTC)
