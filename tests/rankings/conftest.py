"""Helpers for the rankings tests: audits, goals, surveys, profits and decisions in one call each."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.audits.models import Audit
from helpdesk.clients.models import DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ModerationDecision


def at(day: int, hour: int = 0, minute: int = 0, month: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def rows():
    """rows(month, as_of) -> {coach external id: the coach's ranked row} (waits brought up to date first)."""
    from helpdesk.rankings.metrics import ranked_rows
    from helpdesk.sla.services import update_waits

    def make(month, as_of):
        update_waits()
        return {row["coach"]: row for row in ranked_rows(month, as_of)}

    return make


@pytest.fixture
def audit(create_user):
    auditor = create_user("auditor")

    def make(message, color="yellow", when=None, resolution=None, resolved_at=None):
        row = Audit(message_id=message.id, coach_id=message.author_id, auditor_id=auditor.id, color=color,
                    at=when or message.sent_at + timedelta(hours=1), resolution=resolution, resolved_at=resolved_at)
        db.session.add(row)
        db.session.flush()
        return row

    return make


@pytest.fixture
def goals():
    def make(client, hits: set[int], days=range(1, 32), month=10, year=2026):
        for day in days:
            db.session.add(DailyGoal(client_id=client.id, date=date(year, month, day), hit=day in hits))
        db.session.flush()

    return make


@pytest.fixture
def survey():
    def make(client, when, score):
        db.session.add(SurveyResponse(client_id=client.id, at=when, score=score))
        db.session.flush()

    return make


@pytest.fixture
def profit():
    def make(client, on: date, amount: str, kind="profit"):
        db.session.add(ProfitRecord(client_id=client.id, date=on, amount=Decimal(amount), kind=kind))
        db.session.flush()

    return make


@pytest.fixture
def decide(create_user):
    seller = create_user("client")

    def make(moderator, decision, when, listing=None):
        if listing is None:
            listing = Listing(seller_id=seller.id, title="A listing", submitted_at=when - timedelta(hours=1))
            db.session.add(listing)
            db.session.flush()
        db.session.add(ModerationDecision(listing_id=listing.id, moderator_id=moderator.id, decision=decision,
                                          at=when))
        db.session.flush()
        return listing

    return make


@pytest.fixture
def no_redis(app):
    """Jobs run in-process (the CLI's path without a queue), whatever REDIS_URL the suite runs with."""
    saved = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = None
    yield
    app.config["REDIS_URL"] = saved
