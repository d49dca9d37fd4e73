"""A small desk: two teams, their coaches and clients."""

from decimal import Decimal
from types import SimpleNamespace

import pytest


@pytest.fixture
def desk(create_team_leader, create_coach, create_client, create_user):
    """Team leader Lea leads coaches Ann and Bob; Tom leads Cal. Ann has client Kim, Bob has Joe, Cal has Zoe;
    Una has no coach."""
    lea = create_team_leader(name="Lea")
    tom = create_team_leader(name="Tom")
    ann = create_coach(team_leader=lea, name="Ann")
    bob = create_coach(team_leader=lea, name="Bob")
    cal = create_coach(team_leader=tom, name="Cal")
    kim = create_client(coach=ann, name="Kim", email="kim@example.com", balance=Decimal("1234.5"))
    joe = create_client(coach=bob, name="Joe")
    zoe = create_client(coach=cal, name="Zoe")
    una = create_client(name="Una")
    return SimpleNamespace(lea=lea, tom=tom, ann=ann, bob=bob, cal=cal, kim=kim, joe=joe, zoe=zoe, una=una,
                           auditor=create_user("auditor"), support=create_user("support"), admin=create_user("admin"))
