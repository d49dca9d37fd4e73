"""The moderation SLA (metrics.md section 3: a listing waits from submission to its first decision): a warning
to the moderators past WARN_HOURS (20 h), a breach past SLA_HOURS (24 h) to the moderators, team leaders and
admins. Called by the SLA warnings job; each warning is sent once per person (stable dedupe keys)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.notifications.services import notify


def _moderators() -> list[int]:
    """Who works the queue: trained coaches and support (services.can_moderate, less the leaders)."""
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), or_(
        User.role == Role.SUPPORT.value, (User.role == Role.COACH.value) & User.moderation_trained.is_(True)))))


def pending_listings(now: datetime, lookback: timedelta) -> dict:
    """Send the warnings now due for pending listings that crossed a threshold within `lookback`; return
    {"listing_warnings": n, "listing_breaches": n} (notifications stored, each once)."""
    warn = timedelta(hours=current_app.config["WARN_HOURS"])
    breach = timedelta(hours=current_app.config["SLA_HOURS"])
    rows = db.session.execute(
        select(Listing.id, Listing.title, Listing.submitted_at).where(
            Listing.status == "pending", Listing.first_decision_at.is_(None),
            Listing.submitted_at < now - warn, Listing.submitted_at >= now - warn - lookback)).all()
    sent = {"listing_warnings": 0, "listing_breaches": 0}
    if not rows:
        return sent
    moderators = _moderators()
    leaders = list(db.session.scalars(select(User.id).where(
        User.active.is_(True), User.role.in_((Role.TEAM_LEADER.value, Role.ADMIN.value)))))
    for listing_id, title, submitted in rows:
        link = f"/listings/{listing_id}"
        if now - submitted > breach:
            text = f"Listing “{title[:200]}” has waited over {breach.total_seconds() / 3600:g} h for moderation."
            for user_id in dict.fromkeys(moderators + leaders):
                sent["listing_breaches"] += notify(user_id, "moderation_breach", text, link,
                                                   dedupe_key=f"listing:{listing_id}")
        else:
            text = (f"Listing “{title[:200]}” has waited {warn.total_seconds() / 3600:g} h; it is due "
                    f"{(submitted + breach):%H:%M} UTC.")
            for user_id in moderators:
                sent["listing_warnings"] += notify(user_id, "moderation_warning", text, link,
                                                   dedupe_key=f"listing-warn:{listing_id}")
    return sent
