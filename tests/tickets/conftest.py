"""Two teams: Lea leads Ann and Bob, Tom leads Cal; support Sue; an admin and an auditor."""

from types import SimpleNamespace

import pytest

from helpdesk.tickets.services import file_ticket


@pytest.fixture
def desk(create_team_leader, create_coach, create_client, create_user):
    lea, tom = create_team_leader(name="Lea"), create_team_leader(name="Tom")
    ann = create_coach(team_leader=lea, name="Ann")
    return SimpleNamespace(lea=lea, tom=tom, ann=ann, bob=create_coach(team_leader=lea, name="Bob"),
                           cal=create_coach(team_leader=tom, name="Cal"), kim=create_client(coach=ann, name="Kim"),
                           sue=create_user("support", name="Sue"), admin=create_user("admin"),
                           auditor=create_user("auditor"))


@pytest.fixture
def ticket(desk):
    """Ann's ticket about a payout page error."""
    return file_ticket(desk.ann, "Kim", "Payout page shows an error", "Payouts > History")
