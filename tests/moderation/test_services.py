"""Moderation rules: who decides, claims, decisions, reports."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.moderation import queue, reports, services
from helpdesk.moderation.models import ModerationDecision
from helpdesk.moderation.services import ModerationError
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow


def test_only_trained_coaches_support_and_admins_decide(mod, create_listing):
    listing = create_listing(mod.sam)
    # issue #12: untrained coaches get 404; team leaders oversee (they read), they do not decide
    for user, status in ((mod.una, 404), (mod.auditor, 403), (mod.lea, 403)):
        with pytest.raises(ModerationError) as exc:
            services.decide(user, listing, "approve")
        assert exc.value.status == status
    assert listing.status == "pending" and listing.decisions == []
    for user in (mod.tia, mod.admin, mod.support):  # one listing each: a pending listing is decided once
        mine = create_listing(mod.sam)
        services.decide(user, mine, "approve")
        assert [d.moderator for d in mine.decisions] == [user]


def test_decisions_set_status_and_first_decision_once(mod, create_listing):
    listing = create_listing(mod.sam)
    t1 = utcnow()
    services.decide(mod.tia, listing, "approve", now=t1)
    assert (listing.status, listing.first_decision_at) == ("approved", t1)
    reports.remove_listing(mod.tod, listing, reason="Counterfeit", now=t1 + timedelta(hours=2))
    assert listing.status == "removed"
    assert listing.first_decision_at == t1  # not moved by the later decision
    assert [d.decision for d in listing.decisions] == ["approve", "reject"]


@pytest.mark.parametrize("second", ["tia", "tod"])
def test_deciding_a_decided_listing_is_409_and_stores_nothing(mod, create_listing, second):
    """issue #10 item 1 / #12: a pending listing is decided once; a live one changes only through review."""
    listing = create_listing(mod.sam)
    services.decide(mod.tia, listing, "approve")
    with pytest.raises(ModerationError) as exc:
        services.decide(getattr(mod, second), listing, "reject", reason="Changed my mind")
    assert exc.value.status == 409 and "no longer pending" in str(exc.value)
    assert listing.status == "approved" and [d.decision for d in listing.decisions] == ["approve"]
    assert len(db.session.scalars(select(Notification).where(Notification.user_id == mod.sam.id)).all()) == 1


def test_the_database_refuses_a_second_queue_decision(mod, create_listing):
    """The unique (listing, stage) constraint behind the conditional update."""
    from sqlalchemy.exc import IntegrityError

    listing = create_listing(mod.sam)
    services.decide(mod.tia, listing, "approve")
    db.session.add(ModerationDecision(listing_id=listing.id, moderator_id=mod.tod.id, decision="reject",
                                      reason="x", stage="queue"))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_the_approver_does_not_review_their_own_approval(mod, create_listing):
    listing = create_listing(mod.sam)
    services.decide(mod.tia, listing, "approve")
    with pytest.raises(ModerationError) as exc:
        reports.remove_listing(mod.tia, listing, reason="Oops")
    assert exc.value.status == 403 and listing.status == "approved"
    reports.remove_listing(mod.tod, listing, reason="Counterfeit")
    with pytest.raises(ModerationError) as exc:
        reports.remove_listing(mod.support, listing, reason="Again")
    assert exc.value.status == 409


def test_reject_needs_a_reason(mod, create_listing):
    listing = create_listing(mod.sam)
    with pytest.raises(ModerationError) as exc:
        services.decide(mod.tia, listing, "reject", reason="   ")
    assert (exc.value.status, exc.value.field) == (422, "reason")
    assert db.session.scalar(select(ModerationDecision.id)) is None


def test_claim_conflicts_and_expiry(mod, create_listing):
    listing = create_listing(mod.sam)
    t0 = utcnow()
    services.claim_listing(mod.tia, listing, now=t0)
    with pytest.raises(ModerationError) as exc:
        services.claim_listing(mod.tod, listing, now=t0 + timedelta(minutes=14))
    assert exc.value.status == 409 and "Tia" in str(exc.value)
    with pytest.raises(ModerationError):
        services.decide(mod.tod, listing, "approve", now=t0 + timedelta(minutes=14))
    # the holder renews; after 15 minutes (issue #12; it was 30) without renewal anyone may take it
    services.claim_listing(mod.tia, listing, now=t0 + timedelta(minutes=5))
    with pytest.raises(ModerationError):
        services.claim_listing(mod.tod, listing, now=t0 + timedelta(minutes=19))
    services.claim_listing(mod.tod, listing, now=t0 + timedelta(minutes=20))
    assert listing.claimed_by_id == mod.tod.id
    services.decide(mod.tod, listing, "approve", now=t0 + timedelta(minutes=21))
    assert listing.claimed_by_id is None


def test_reports_put_a_decided_listing_in_the_reported_view_until_resolved(mod, create_listing):
    listing = create_listing(mod.sam)
    services.decide(mod.tia, listing, "approve")
    assert queue.queue_counts()["reported"] == 0
    reports.report_listing(mod.rita, listing, "Stolen photos")
    assert queue.queue_counts()["reported"] == 1
    assert db.session.scalars(queue.queue_select("reported")).all() == [listing]
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.rita, listing, "again")
    assert exc.value.status == 409
    # a review that removes closes the report: an approval later rejected by someone else
    reports.remove_listing(mod.tod, listing, reason="Photos taken from another seller")
    assert queue.queue_counts()["reported"] == 0
    # issue #12: only a live listing is reported (this used to accept a report of the removed listing)
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.rita, listing, "Still there?")
    assert exc.value.status == 409 and queue.queue_counts()["reported"] == 0


def test_report_rules(mod, create_listing):
    listing = create_listing(mod.sam, status="approved")
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.sam, listing, "mine")
    assert exc.value.status == 422
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.rita, listing, "")
    assert exc.value.field == "reason"


def test_queue_is_oldest_first_with_age_badges(mod, create_listing, app):
    fresh = create_listing(mod.sam, "fresh", hours_ago=2)
    late = create_listing(mod.sam, "late", hours_ago=30)
    mid = create_listing(mod.sam, "mid", hours_ago=12)
    assert db.session.scalars(queue.queue_select("pending")).all() == [late, mid, fresh]
    assert [queue.age_badge(x.submitted_at) for x in (fresh, mid, late)] == ["badge-calm", "badge-amber", "badge-red"]
    counts = queue.queue_counts()
    assert (counts["pending"], counts["overdue"]) == (3, 1)


def test_seller_is_told_of_the_decision(mod, create_listing):
    listing = create_listing(mod.sam, "Blue sofa")
    services.decide(mod.tia, listing, "reject", reason="No photo")
    note = db.session.scalar(select(Notification).where(Notification.user_id == mod.sam.id))
    assert "Blue sofa" in note.text and "No photo" in note.text and "Tia" not in note.text
