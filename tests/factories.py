"""Factories: fixtures that return callables making one record each, with sensible defaults."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread

_seq = itertools.count(1)

T0 = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def create_user():
    def make(role="client", name=None, external_id=None, **fields):
        n = next(_seq)
        if role == "client":
            fields.setdefault("joined_on", date(2025, 1, 1))
        user = User(role=role, name=name or f"{role.title()} {n}", external_id=external_id or f"{role}-{n}", **fields)
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def create_team_leader(create_user):
    return lambda **fields: create_user("team_leader", **fields)


@pytest.fixture
def create_coach(create_user):
    def make(team_leader=None, **fields):
        return create_user("coach", reports_to_id=team_leader.id if team_leader else None, **fields)

    return make


@pytest.fixture
def assign(create_user):
    def make(client, coach, starts_at=None, ends_at=None):
        a = Assignment(client_id=client.id, coach_id=coach.id, starts_at=starts_at or datetime(2020, 1, 1, tzinfo=UTC),
                       ends_at=ends_at)
        db.session.add(a)
        db.session.flush()
        return a

    return make


@pytest.fixture
def create_client(create_user, assign):
    """create_client(coach=None, **fields): a client, assigned to `coach` since 2020 if given."""

    def make(coach=None, **fields):
        client = create_user("client", **fields)
        if coach is not None:
            assign(client, coach)
        return client

    return make


@pytest.fixture
def create_thread():
    def make(client, subject="A question", **fields):
        thread = Thread(client_id=client.id, subject=subject, **fields)
        db.session.add(thread)
        db.session.flush()
        return thread

    return make


@pytest.fixture
def create_message():
    """create_message(thread, author, sent_at=None, body=...): stores a message as imported (no side effects)."""

    def make(thread, author, sent_at=None, body="Hello", **fields):
        msg = Message(thread_id=thread.id, author_id=author.id, sent_at=sent_at or T0 + timedelta(minutes=next(_seq)),
                      body=body, **fields)
        db.session.add(msg)
        db.session.flush()
        return msg

    return make
