"""The moderation queue's 24 h rule (metrics.md section 3): listings waiting over SLA_HOURS for a first
decision are reported once to team leaders and admins (key: the listing; only those that crossed within
`lookback`, so loading old history does not flood the bell)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.notifications.services import notify


def pending_listings(now: datetime, lookback: timedelta) -> dict:
    """Tell team leaders and admins about listings waiting over SLA_HOURS for a first decision."""
    breach = timedelta(hours=current_app.config["SLA_HOURS"])
    listings = db.session.execute(
        select(Listing.id, Listing.title).where(
            Listing.status == "pending", Listing.first_decision_at.is_(None),
            Listing.submitted_at < now - breach, Listing.submitted_at >= now - breach - lookback)
    ).all()
    leaders = db.session.scalars(
        select(User.id).where(User.role.in_(("team_leader", "admin")), User.active.is_(True))).all() if listings else []
    sent = 0
    for listing_id, title in listings:
        text = f"Listing “{title[:200]}” has waited over {breach.total_seconds() / 3600:g} h for moderation."
        for user_id in leaders:
            sent += notify(user_id, "moderation_breach", text, f"/listings/{listing_id}",
                           dedupe_key=f"listing:{listing_id}")
    return {"listing_breaches": sent}
