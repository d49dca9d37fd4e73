"""Moderation rules: who may decide, atomic claims, decisions, and the queue's views."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.auth.models import Role, User
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ListingReport, ModerationDecision
from helpdesk.notifications.services import notify
from helpdesk.text_match import contains
from helpdesk.types import utcnow

QUEUE_ROLES = (Role.COACH.value, Role.TEAM_LEADER.value, Role.ADMIN.value, Role.SUPPORT.value)
CLAIM_MINUTES = 30
DECISIONS = ("approve", "reject")
STATUS_OF = {"approve": "approved", "reject": "rejected"}
VIEWS = ("pending", "reported", "approved", "rejected")


class ModerationError(Refusal):
    """A refused moderation action (status and field as in helpdesk.errors.Refusal)."""


def can_moderate(user: User) -> bool:
    """Team leaders, admins and coaches trained for moderation may claim and decide."""
    if user.role in (Role.TEAM_LEADER.value, Role.ADMIN.value):
        return True
    return user.role == Role.COACH.value and bool(user.moderation_trained)


def listing_visible_to(user: User, listing: Listing | None) -> bool:
    """Moderation staff see every listing; a client sees their own and those live on the marketplace."""
    if listing is None or not user.is_authenticated:
        return False
    if user.role in QUEUE_ROLES:
        return True
    if user.role == Role.CLIENT.value:
        return listing.seller_id == user.id or listing.status == "approved"
    return False


def _require_moderator(user: User) -> None:
    if not can_moderate(user):
        raise ModerationError(403, "Only coaches trained for moderation, team leaders and admins may moderate listings.")


def claim_expires_at(listing: Listing) -> datetime | None:
    return listing.claimed_at + timedelta(minutes=CLAIM_MINUTES) if listing.claimed_at else None


def active_claimant(listing: Listing, now: datetime | None = None) -> User | None:
    """Who holds an unexpired claim on the listing, if anyone."""
    if listing.claimed_by_id is None or listing.claimed_at is None:
        return None
    return listing.claimed_by if claim_expires_at(listing) > (now or utcnow()) else None


def claim_listing(user: User, listing: Listing, now: datetime | None = None) -> Listing:
    """Claim (or renew one's claim on) a listing for 30 minutes; 409 while someone else holds it.

    One conditional UPDATE, so of two moderators claiming at once exactly one wins."""
    _require_moderator(user)
    now = now or utcnow()
    result = db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id, _free_or_held_by(user, now))
        .values(claimed_by_id=user.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(listing)
    if result.rowcount != 1:
        holder = listing.claimed_by.name if listing.claimed_by else "Another moderator"
        until = claim_expires_at(listing)
        raise ModerationError(409, f"{holder} is reviewing this listing; their claim expires at "
                                   f"{until:%H:%M} UTC." if until else f"{holder} is reviewing this listing.")
    return listing


def release_claim(user: User, listing: Listing) -> bool:
    """Give up one's own claim; return whether there was one."""
    result = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None).execution_options(synchronize_session=False)
    )
    db.session.refresh(listing)
    return result.rowcount == 1


def _free_or_held_by(user: User, now: datetime):
    """SQL: nobody else holds an unexpired claim on the listing."""
    expired_before = now - timedelta(minutes=CLAIM_MINUTES)
    return or_(Listing.claimed_by_id.is_(None), Listing.claimed_by_id == user.id,
               Listing.claimed_at.is_(None), Listing.claimed_at <= expired_before)


def decide(user: User, listing: Listing, decision: str, reason: str | None = None, note: str | None = None,
           now: datetime | None = None) -> ModerationDecision:
    """Approve or reject a pending listing (a reject needs a reason the seller will read).

    Exactly one decision per pending listing, however many moderators send one at the same instant: one
    conditional UPDATE takes the listing out of the queue only while it is still pending and nobody else holds
    its claim, so of two simultaneous deciders one changes the row and the other (waiting on its row lock,
    then seeing it no longer pending) changes nothing and gets a 409. The unique (listing, stage) constraint on
    decisions is the last line of defence. A live listing changes only through review (reports.remove_listing).
    `first_decision_at` is set, the claim released, open reports resolved and the seller told."""
    _require_moderator(user)
    if decision not in DECISIONS:
        raise ModerationError(422, "Choose approve or reject.", field="decision")
    reason = (reason or "").strip() or None
    if decision == "reject" and not reason:
        raise ModerationError(422, "A reject needs a reason the seller can act on.", field="reason")
    now = now or utcnow()
    taken = db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id, Listing.status == "pending", _free_or_held_by(user, now))
        .values(status=STATUS_OF[decision], first_decision_at=func.coalesce(Listing.first_decision_at, now),
                claimed_by_id=None, claimed_at=None)
        .returning(Listing.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise _not_decidable(listing, now)
    row = ModerationDecision(listing_id=listing.id, moderator_id=user.id, decision=decision, at=now,
                             reason=reason, note=(note or "").strip() or None, stage="queue")
    db.session.add(row)
    flush_or_409(f"Listing {listing.id} has already been decided.")
    db.session.execute(
        update(ListingReport).where(ListingReport.listing_id == listing.id, ListingReport.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=user.id).execution_options(synchronize_session=False)
    )
    text = (f"Your listing “{listing.title}” was approved and is live." if decision == "approve"
            else f"Your listing “{listing.title}” was not approved: {reason}")
    notify(listing.seller_id, "listing_decision", text, link=f"/listings/{listing.id}")
    db.session.flush()
    db.session.expire(listing, ["decisions", "reports"])
    return row


def _not_decidable(listing: Listing, now: datetime) -> ModerationError:
    """Why a decision changed nothing: the listing left the queue, or someone else holds it."""
    if listing.status != "pending":
        return ModerationError(409, f"This listing is no longer pending (it is {listing.status}); "
                                    "a live listing changes only through review.")
    holder = active_claimant(listing, now)
    name = holder.name if holder else "Another moderator"
    return ModerationError(409, f"{name} is reviewing this listing; their claim expires at "
                                f"{claim_expires_at(listing):%H:%M} UTC.")


def flush_or_409(message: str) -> None:
    """Flush; a unique constraint that refuses the row (a second writer got there first) becomes a 409."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ModerationError(409, message) from exc


def _open_report():
    return exists(select(ListingReport.id).where(ListingReport.listing_id == Listing.id,
                                                 ListingReport.resolved_at.is_(None)).correlate(Listing))


def queue_select(view: str = "pending"):
    """A select of the listings in one view of the queue, in the order they should be worked."""
    if view not in VIEWS:
        raise ModerationError(422, f"Unknown view; choose one of {', '.join(VIEWS)}.", field="status")
    stmt = select(Listing)
    if view == "pending":
        return stmt.where(Listing.status == "pending").order_by(Listing.submitted_at, Listing.id)
    if view == "reported":
        first_open = (select(func.min(ListingReport.created_at))
                      .where(ListingReport.listing_id == Listing.id, ListingReport.resolved_at.is_(None))
                      .correlate(Listing).scalar_subquery())
        return stmt.where(_open_report()).order_by(first_open, Listing.id)
    return stmt.where(Listing.status == view).order_by(Listing.submitted_at.desc(), Listing.id.desc())


def queue_counts() -> dict[str, int]:
    """How many listings each view holds, plus pending ones past the SLA, in one aggregate query."""
    sla_start = utcnow() - timedelta(hours=current_app.config["SLA_HOURS"])
    row = db.session.execute(select(
        func.count(case((Listing.status == "pending", 1))),
        func.count(case((_open_report(), 1))),
        func.count(case((Listing.status == "approved", 1))),
        func.count(case((Listing.status == "rejected", 1))),
        func.count(case(((Listing.status == "pending") & (Listing.submitted_at < sla_start), 1))),
    )).one()
    return dict(zip((*VIEWS, "overdue"), row, strict=True))


def open_report_counts(listing_ids: list[int]) -> dict[int, int]:
    if not listing_ids:
        return {}
    rows = db.session.execute(
        select(ListingReport.listing_id, func.count()).where(ListingReport.listing_id.in_(listing_ids),
                                                             ListingReport.resolved_at.is_(None))
        .group_by(ListingReport.listing_id)
    ).all()
    return dict(rows)


def age_badge(since: datetime, now: datetime | None = None) -> str:
    """calm under the 9 h target, amber up to the 24 h SLA, red past it (metrics.md section 3)."""
    hours = ((now or utcnow()) - since).total_seconds() / 3600
    if hours > current_app.config["SLA_HOURS"]:
        return "badge-red"
    return "badge-amber" if hours >= current_app.config["TARGET_HOURS"] else "badge-calm"


def marketplace_select(q: str | None = None):
    """The listings live on the marketplace (approved), newest first; `q` matches title or description."""
    stmt = select(Listing).where(Listing.status == "approved")
    if q:
        stmt = stmt.where(contains(Listing.title, q) | contains(Listing.description, q))
    return stmt.order_by(Listing.submitted_at.desc(), Listing.id.desc())


def listings_of_seller(seller: User):
    return select(Listing).where(Listing.seller_id == seller.id).order_by(Listing.submitted_at.desc())


def seller_view(listing: Listing) -> dict:
    """What a seller may know of their listing: its status, and the reason if it was not approved."""
    latest = listing.decisions[-1] if listing.decisions else None
    return {"id": listing.id, "title": listing.title, "description": listing.description,
            "submitted_at": listing.submitted_at, "status": listing.status,
            "reason": latest.reason if latest is not None and latest.decision == "reject" else None}
