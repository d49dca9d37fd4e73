"""The moderation SLA (metrics.md section 3: a listing waits from submission to its first decision): a warning
to the moderators past WARN_HOURS (20 h), a breach past SLA_HOURS (24 h) to the moderators and the admins
(issue #12; team leaders oversee moderation, they do not work the queue). Called by the SLA warnings job; each
listing's warning and breach is announced once (a claim).

Grouped (issue #15): each person gets one notification per run and kind, naming the listing when there is
one ("Listing “Old bike” has waited over 24 h") and counting them when there are several ("37 listings have
passed 24 h in the moderation queue"), linking to the queue filtered to them. A run reads only the listings
whose threshold fell since the last run (`helpdesk.notifications.scans`, on ix_listings_status_submitted).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.notifications.scans import claim, hours, open_window, read_due
from helpdesk.notifications.services import notify_many


def _moderators() -> list[int]:
    """Who works the queue: trained coaches and support (services.can_moderate, less the admins, told of breaches)."""
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), or_(
        User.role == Role.SUPPORT.value, (User.role == Role.COACH.value) & User.moderation_trained.is_(True)))))


def _admins() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), User.role == Role.ADMIN.value)))


def pending_listings(now: datetime, lookback: timedelta) -> dict:
    """Send the warnings now due for pending listings that crossed a threshold within `lookback`; return
    {"listing_warnings": n, "listing_breaches": n} (notifications stored, each listing announced once)."""
    warn = timedelta(hours=current_app.config["WARN_HOURS"])
    breach = timedelta(hours=current_app.config["SLA_HOURS"])
    window = open_window("pending_listings", now, lookback, Listing.id)
    late = _claimed("moderation_breach", window, breach)
    # A listing already past SLA_HOURS when first seen (a first run, after downtime) gets its breach only.
    soon = _claimed("moderation_warning", window, warn, not_before=now - breach)
    sent = {"listing_warnings": 0, "listing_breaches": 0}
    if not (late or soon):
        return sent
    moderators = _moderators()
    if late:
        everyone = list(dict.fromkeys(moderators + _admins()))
        if len(late) == 1:
            (listing_id, title, _), = late
            one = (f"Listing “{title[:200]}” has waited over {hours(breach)} h for moderation.",
                   f"/listings/{listing_id}", f"listing:{listing_id}")
        else:
            one = (f"{len(late)} listings have passed {hours(breach)} h in the moderation queue without a "
                   "decision.", "/moderation?view=pending&age=overdue", None)
        sent["listing_breaches"] = _notify(everyone, "moderation_breach", *one)
    if soon:
        first_due = min(submitted for _, _, submitted in soon) + breach
        if len(soon) == 1:
            (listing_id, title, _), = soon
            one = (f"Listing “{title[:200]}” has waited {hours(warn)} h; it is due {first_due:%H:%M} UTC.",
                   f"/listings/{listing_id}", f"listing-warn:{listing_id}")
        else:
            one = (f"{len(soon)} listings have waited {hours(warn)} h in the moderation queue; the first is due "
                   f"{first_due:%H:%M} UTC.", "/moderation?view=pending&age=due_soon", None)
        sent["listing_warnings"] = _notify(moderators, "moderation_warning", *one)
    return sent


def _claimed(kind: str, window, after: timedelta, not_before: datetime | None = None) -> list:
    """The pending listings whose `after` fell due in the window, claimed for `kind` by this run:
    [(id, title, submitted_at)], oldest first."""
    def branch(condition):
        stmt = select(Listing.id, Listing.title, Listing.submitted_at).where(
            Listing.status == "pending", Listing.first_decision_at.is_(None), condition)
        return stmt if not_before is None else stmt.where(Listing.submitted_at >= not_before)

    rows = read_due([branch(c) for c in window.newly_due(Listing.submitted_at, after, Listing.id)],
                    "submitted_at", "id")
    claimed = claim(kind, {listing_id: submitted + after for listing_id, _, submitted in rows})
    return [row for row in rows if row[0] in claimed]


def _notify(user_ids: list[int], kind: str, text: str, link: str, key: str | None) -> int:
    return notify_many([{"user_id": u, "kind": kind, "text": text, "link": link, "dedupe_key": key}
                        for u in user_ids])
