"""helpdesk generate: a program of the asked size, consistent with the desk's own rules, reproducible."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.generate.services import GenerateError, generate
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.thread_state import refresh_thread_state
from helpdesk.moderation.models import Listing
from helpdesk.sla.models import ResponseWait

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
TINY = {"coaches": 10, "clients": 120}


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_tiny_program_has_everything_in_proportion():
    progress = generate("small", months=2, seed=7, now=NOW, sizes=TINY)
    assert _count(User) == 10 + 120 + 1 + 2 + 1 + 1  # coaches, clients, leader, auditors, support, admin
    assert db.session.scalar(select(func.count(func.distinct(Assignment.client_id)))) == 120
    assert 100 < progress.counts["threads"] < 300
    assert progress.counts["messages"] > progress.counts["threads"]
    assert progress.counts["daily_goals"] > 120 * 60 * 0.2
    # Every message's author is the thread's client or the coach assigned at that instant (or a teammate).
    strangers = db.session.scalar(
        select(func.count()).select_from(Message).join(Thread, Thread.id == Message.thread_id)
        .join(User, User.id == Message.author_id)
        .where(Message.author_id != Thread.client_id, User.role != "coach"))
    assert strangers == 0
    assert db.session.scalar(select(func.max(Message.sent_at))) <= NOW
    assert _count(ResponseWait) > 0
    assert db.session.scalar(select(func.count()).where(Listing.status == "pending")) > 0


def test_derived_state_is_what_the_desk_computes():
    generate("small", months=1, seed=3, now=NOW, sizes=TINY)
    before = db.session.execute(select(Thread.id, Thread.waiting_since, Thread.last_message_at).order_by(Thread.id)).all()
    refresh_thread_state(None)
    after = db.session.execute(select(Thread.id, Thread.waiting_since, Thread.last_message_at).order_by(Thread.id)).all()
    assert before == after
    assert any(row.waiting_since is not None for row in after)


def _program():
    return (db.session.execute(select(Message.thread_id, Message.author_id, Message.sent_at, Message.body)
                               .order_by(Message.id)).all(),
            db.session.execute(select(Listing.seller_id, Listing.status).order_by(Listing.id)).all())


def test_same_seed_same_program_and_a_full_database_is_refused():
    savepoint = db.session.begin_nested()
    generate("small", months=1, seed=5, now=NOW, sizes=TINY)
    first = _program()
    savepoint.rollback()
    assert _count(User) == 0
    generate("small", months=1, seed=5, now=NOW, sizes=TINY)
    assert _program() == first and len(first[0]) > 100
    with pytest.raises(GenerateError, match="already holds users"):
        generate("small", months=1, seed=5, now=NOW, sizes=TINY)
