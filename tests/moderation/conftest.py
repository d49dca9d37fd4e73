"""Moderators of every kind, two members and listings submitted at known times."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.types import utcnow


@pytest.fixture
def mod(create_team_leader, create_coach, create_user):
    """Lea leads trained coaches Tia and Tod and untrained coach Una; Sam sells, Rita is another member."""
    lea = create_team_leader(name="Lea")
    return SimpleNamespace(
        lea=lea, tia=create_coach(team_leader=lea, name="Tia", moderation_trained=True),
        tod=create_coach(team_leader=lea, name="Tod", moderation_trained=True),
        una=create_coach(team_leader=lea, name="Una"), sam=create_user("client", name="Sam"),
        rita=create_user("client", name="Rita"), support=create_user("support"), auditor=create_user("auditor"),
        admin=create_user("admin"))


@pytest.fixture
def create_listing():
    def make(seller, title="Used bike", hours_ago=1, **fields):
        listing = Listing(seller_id=seller.id, title=title, description="Good bike",
                          submitted_at=utcnow() - timedelta(hours=hours_ago), **fields)
        db.session.add(listing)
        db.session.flush()
        return listing

    return make
