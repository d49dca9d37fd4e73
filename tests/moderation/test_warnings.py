"""Moderation SLA warnings (issue #12): 20 h to the moderators, 24 h to moderators, leaders and admins; once."""

from datetime import timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.moderation.warnings import pending_listings
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow

WEEK = timedelta(days=7)


def _inbox(user):
    return db.session.execute(select(Notification.kind, Notification.link).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def test_warning_at_20_h_and_breach_at_24_h_each_once(mod, create_listing):
    now = utcnow()
    soon = create_listing(mod.sam, "Soon", hours_ago=21)
    late = create_listing(mod.sam, "Late", hours_ago=25)
    create_listing(mod.sam, "Fresh", hours_ago=3)
    first = pending_listings(now, WEEK)
    again = pending_listings(now, WEEK)
    assert again == {"listing_warnings": 0, "listing_breaches": 0}
    assert sorted(_inbox(mod.tia)) == sorted([("moderation_warning", f"/listings/{soon.id}"),
                                              ("moderation_breach", f"/listings/{late.id}")])
    assert _inbox(mod.support) and _inbox(mod.una) == []  # an untrained coach is not a moderator
    assert _inbox(mod.admin) == [("moderation_breach", f"/listings/{late.id}")]
    # later, the listing that was warned crosses 24 h: its breach comes once too
    later = pending_listings(now + timedelta(hours=4), WEEK)
    assert later["listing_breaches"] >= 1 and ("moderation_breach", f"/listings/{soon.id}") in _inbox(mod.admin)
    assert first["listing_warnings"] == 3  # Tia, Tod, support
