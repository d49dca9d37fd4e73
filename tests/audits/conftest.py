"""A small desk for the audit tests: a team leader, two coaches, an auditor, a client thread with replies."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.audits import feedback
from helpdesk.extensions import db

T = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


@dataclass
class Desk:
    leader: object
    coach: object
    other_coach: object
    auditor: object
    client: object
    thread: object
    question: object
    reply: object


@pytest.fixture
def desk(create_user, create_team_leader, create_coach, create_client, create_thread, create_message):
    leader = create_team_leader(name="Tess Leader")
    coach = create_coach(team_leader=leader, name="Cora Coach")
    other = create_coach(team_leader=create_team_leader(), name="Olga Other")
    auditor = create_user("auditor", name="Aldo Auditor")
    client = create_client(coach=coach, name="Kim Client")
    thread = create_thread(client, subject="Ad budget")
    question = create_message(thread, client, sent_at=T, body="How do I raise my budget?")
    reply = create_message(thread, coach, sent_at=T + timedelta(hours=1), body="Click the button.")
    return Desk(leader, coach, other, auditor, client, thread, question, reply)


@pytest.fixture
def audit(desk):
    """audit(color, message=desk.reply, at=..., comment=...): an audit stored by the desk's auditor."""

    def make(color="yellow", message=None, at=None, comment="Explain where the button is.", auditor=None):
        a = feedback.create_audit(auditor or desk.auditor, message or desk.reply, color, comment,
                                  at=at or T + timedelta(hours=2))
        db.session.flush()
        return a

    return make
