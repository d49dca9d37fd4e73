"""Inbox fixtures: a team (leader, two coaches, their clients) and a helper to open a wait at a given age."""

from datetime import timedelta

import pytest

from helpdesk.types import utcnow


@pytest.fixture
def team(create_team_leader, create_coach, create_client):
    """leader; coaches ann and bob under leader; carl under another leader; one client each."""
    leader = create_team_leader(name="Lea Leader")
    other_leader = create_team_leader(name="Otto Leader")
    ann = create_coach(team_leader=leader, name="Ann Coach")
    bob = create_coach(team_leader=leader, name="Bob Coach")
    carl = create_coach(team_leader=other_leader, name="Carl Coach")
    return {
        "leader": leader, "other_leader": other_leader, "ann": ann, "bob": bob, "carl": carl,
        "ann_client": create_client(coach=ann, name="Alice Client"),
        "bob_client": create_client(coach=bob, name="Bruno Client"),
        "carl_client": create_client(coach=carl, name="Cleo Client"),
    }


@pytest.fixture
def waiting_thread(create_thread, create_message):
    """waiting_thread(client, hours, subject=...): a thread whose client wrote `hours` ago, unanswered."""

    def make(client, hours, subject="Waiting question", body="Please help"):
        at = utcnow() - timedelta(hours=hours)
        thread = create_thread(client, subject=subject, last_message_at=at, waiting_since=at)
        create_message(thread, client, sent_at=at, body=body)
        return thread

    return make
