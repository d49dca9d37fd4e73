from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from helpdesk.clients import feedback
from helpdesk.clients.coach_at import coach_at
from helpdesk.clients.models import CoachRating, SurveyResponse, Vacation
from helpdesk.clients.services import (
    client_facts,
    client_visible_to,
    clients_of,
    full_months,
    visible_clients,
)
from helpdesk.extensions import db
from helpdesk.types import utcnow


def test_full_months_follows_the_spec():
    assert full_months(date(2026, 1, 15), date(2026, 3, 15)) == 2
    assert full_months(date(2026, 1, 15), date(2026, 3, 14)) == 1
    assert full_months(date(2026, 1, 31), date(2026, 2, 28)) == 0
    # metrics.md's client k joined 2026-08-20: new (< 3 months) until 2026-11-20
    assert full_months(date(2026, 8, 20), date(2026, 11, 19)) == 2
    assert full_months(date(2026, 8, 20), date(2026, 11, 20)) == 3
    assert full_months(date(2024, 1, 1), date(2026, 10, 31)) == 33


def test_current_coach_follows_the_assignment_history(create_coach, create_user, assign):
    ann, bob = create_coach(name="Ann"), create_coach(name="Bob")
    client = create_user("client")
    switch = datetime(2026, 3, 1, tzinfo=UTC)
    assign(client, ann, starts_at=datetime(2026, 1, 1, tzinfo=UTC), ends_at=switch)
    assign(client, bob, starts_at=switch)
    assert coach_at(client, datetime(2025, 12, 31, tzinfo=UTC)) is None
    assert coach_at(client, switch - timedelta(microseconds=1)) == ann
    assert coach_at(client, switch) == bob  # [from, to): the instant of the switch is Bob's
    assert coach_at(client) == bob
    assert db.session.scalars(clients_of(ann)).all() == []
    assert db.session.scalars(clients_of(bob)).all() == [client]
    assert db.session.scalars(clients_of(ann, at=datetime(2026, 2, 1, tzinfo=UTC))).all() == [client]


def test_who_sees_which_client(desk):
    d = desk
    assert client_visible_to(d.kim, d.kim) and not client_visible_to(d.kim, d.joe)
    assert client_visible_to(d.ann, d.kim)
    assert not client_visible_to(d.ann, d.joe) and not client_visible_to(d.ann, d.una)
    assert not client_visible_to(d.ann, d.zoe)
    # Lea leads Ann and Bob, and works the unassigned queue; Zoe is Tom's team's client
    assert [client_visible_to(d.lea, c) for c in (d.kim, d.joe, d.una, d.zoe)] == [True, True, True, False]
    assert [client_visible_to(d.tom, c) for c in (d.kim, d.joe, d.una, d.zoe)] == [False, False, True, True]
    for staff in (d.auditor, d.support, d.admin):
        assert all(client_visible_to(staff, c) for c in (d.kim, d.joe, d.zoe, d.una))
    assert not client_visible_to(d.lea, d.ann)  # a coach is not a client


def test_visible_clients_lists_the_same_clients(desk):
    d = desk

    def names(user):
        return sorted(c.name for c in db.session.scalars(visible_clients(user)))

    assert names(d.ann) == ["Kim"]
    assert names(d.lea) == ["Joe", "Kim", "Una"]
    assert names(d.tom) == ["Una", "Zoe"]
    assert names(d.kim) == ["Kim"]
    assert names(d.auditor) == ["Joe", "Kim", "Una", "Zoe"]


def test_a_teammate_covers_a_coach_on_vacation_today(desk):
    d = desk
    today = utcnow().date()
    db.session.add(Vacation(coach_id=d.bob.id, starts_on=today - timedelta(days=1), ends_on=today))
    db.session.add(Vacation(coach_id=d.cal.id, starts_on=today, ends_on=today + timedelta(days=3)))
    db.session.flush()
    assert client_visible_to(d.ann, d.joe)  # Bob is away and reports to Lea, as Ann does
    assert not client_visible_to(d.ann, d.zoe)  # Cal is away but on Tom's team
    assert not client_visible_to(d.bob, d.kim)  # Ann is not away
    assert sorted(c.name for c in db.session.scalars(visible_clients(d.ann))) == ["Joe", "Kim"]


def test_a_vacation_not_covering_today_gives_no_access(desk):
    d = desk
    today = utcnow().date()
    db.session.add(Vacation(coach_id=d.bob.id, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=5)))
    db.session.add(Vacation(coach_id=d.bob.id, starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1)))
    db.session.flush()
    assert not client_visible_to(d.ann, d.joe)


def test_facts_hold_only_what_a_coach_may_see(desk):
    d = desk
    today = utcnow().date()
    d.kim.joined_on = date(today.year - 2, today.month, 1)  # exactly 24 full months ago (today.day >= 1)
    feedback.rate_coach(d.kim, 4, "Helpful")
    feedback.answer_survey(d.kim, 6, at=utcnow() - timedelta(days=40))
    latest = feedback.answer_survey(d.kim, 9)
    facts = client_facts(d.ann, d.kim)
    assert set(facts) == {"id", "name", "joined_on", "tenure_months", "coach", "rating", "last_survey",
                          "balance_visible", "balance"}
    assert facts["tenure_months"] == 24
    assert facts["coach"] == {"id": d.ann.id, "name": "Ann"}
    assert (facts["rating"]["stars"], facts["rating"]["comment"]) == (4, "Helpful")
    assert facts["last_survey"] == {"score": 9, "at": latest.at}
    assert facts["balance_visible"] is False and facts["balance"] is None
    assert "kim@example.com" not in repr(facts)


def test_balance_shows_only_while_granted(desk):
    d = desk
    feedback.set_balance_consent(d.kim, True)
    assert client_facts(d.ann, d.kim)["balance"] == Decimal("1234.5")
    feedback.set_balance_consent(d.kim, False)
    facts = client_facts(d.ann, d.kim)
    assert facts["balance"] is None and facts["balance_visible"] is False


def test_facts_of_an_invisible_client_are_none(desk):
    assert client_facts(desk.ann, desk.joe) is None
    assert client_facts(desk.cal, desk.kim) is None


def test_rating_is_upserted_per_client_coach_pair(desk, assign):
    d = desk
    rating, created = feedback.rate_coach(d.kim, 2, "slow")
    assert created
    again, created = feedback.rate_coach(d.kim, 5, "  ")
    assert not created and again.id == rating.id
    rows = db.session.scalars(select(CoachRating).where(CoachRating.client_id == d.kim.id)).all()
    assert [(r.coach_id, r.stars, r.comment) for r in rows] == [(d.ann.id, 5, None)]


def test_rating_needs_a_coach_and_valid_stars(desk):
    with pytest.raises(feedback.Refused, match="no coach"):
        feedback.rate_coach(desk.una, 3)
    for bad in (0, 6, True, "5"):
        with pytest.raises(ValueError, match="stars"):
            feedback.rate_coach(desk.kim, bad)
    with pytest.raises(PermissionError):
        feedback.rate_coach(desk.ann, 3)


def test_survey_once_per_calendar_month(desk):
    kim = desk.kim
    feedback.answer_survey(kim, 8, at=datetime(2026, 10, 1, 0, 0, tzinfo=UTC))
    with pytest.raises(feedback.Refused, match="already answered.*2026-11-01"):
        feedback.answer_survey(kim, 3, at=datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC))
    feedback.answer_survey(kim, 3, at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC))  # a new month opens it again
    feedback.answer_survey(kim, 10, at=datetime(2026, 12, 31, 12, 0, tzinfo=UTC))
    feedback.answer_survey(kim, 9, at=datetime(2027, 1, 1, 0, 0, tzinfo=UTC))
    scores = db.session.scalars(select(SurveyResponse.score).where(SurveyResponse.client_id == kim.id)
                                .order_by(SurveyResponse.at)).all()
    assert scores == [8, 3, 10, 9]


def test_survey_score_must_be_0_to_10(desk):
    for bad in (-1, 11, True):
        with pytest.raises(ValueError, match="score"):
            feedback.answer_survey(desk.kim, bad)
    assert feedback.answer_survey(desk.kim, 0).score == 0


def test_money_is_shown_exactly():
    from helpdesk.clients.services import display_money

    assert display_money(Decimal("1234.5")) == "1234.50"
    assert display_money(Decimal("0.0125")) == "0.0125"
    assert display_money(Decimal("-3")) == "-3.00"
    assert display_money(None) is None
