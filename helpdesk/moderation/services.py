"""Moderation rules: who may moderate, atomic claims, decisions (one per pending listing), bulk decisions."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.auth.models import Role, User
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.moderation import history
from helpdesk.moderation.models import REJECT_REASONS, Listing, ListingReport, ModerationDecision
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

# Who works the queue (issue #12): coaches trained for moderation, support and admins. Team leaders oversee:
# they read any listing with its history and everyone's accuracy, but neither claim nor decide.
QUEUE_ROLES = (Role.COACH.value, Role.ADMIN.value, Role.SUPPORT.value)
OVERSIGHT_ROLES = (Role.TEAM_LEADER.value, Role.ADMIN.value)
DECISIONS = ("approve", "reject")
STATUS_OF = {"approve": "approved", "reject": "rejected"}
BULK_MAX = 50


class ModerationError(Refusal):
    """A refused moderation action (status and field as in helpdesk.errors.Refusal)."""


def can_moderate(user: User) -> bool:
    """Coaches trained for moderation, support and admins moderate (issue #12)."""
    if user.role in (Role.ADMIN.value, Role.SUPPORT.value):
        return True
    return user.role == Role.COACH.value and bool(user.moderation_trained)


def listing_visible_to(user: User, listing: Listing | None) -> bool:
    """Moderators and team leaders see every listing; a client sees their own and those live on the
    marketplace; nobody else (an untrained coach included) sees any."""
    if listing is None or not user.is_authenticated:
        return False
    if user.role == Role.CLIENT.value:
        return listing.seller_id == user.id or listing.status == "approved"
    return can_moderate(user) or user.role == Role.TEAM_LEADER.value


def _require_moderator(user: User) -> None:
    if not can_moderate(user):
        # 404 for an untrained coach: the queue does not exist for them (issue #12).
        status = 404 if user.role == Role.COACH.value else 403
        raise ModerationError(status, "Only coaches trained for moderation, support and admins moderate "
                                      "listings.")


def claim_minutes() -> int:
    return current_app.config["MODERATION_CLAIM_MINUTES"]


def claim_expires_at(listing: Listing) -> datetime | None:
    """When the listing's claim lapses (MODERATION_CLAIM_MINUTES after it was taken or renewed)."""
    return listing.claimed_at + timedelta(minutes=claim_minutes()) if listing.claimed_at else None


def active_claimant(listing: Listing, now: datetime | None = None) -> User | None:
    """Who holds an unexpired claim on the listing, if anyone."""
    if listing.claimed_by_id is None or listing.claimed_at is None:
        return None
    return listing.claimed_by if claim_expires_at(listing) > (now or utcnow()) else None


def _free_or_held_by(user: User, now: datetime):
    """SQL: nobody else holds an unexpired claim on the listing."""
    expired_before = now - timedelta(minutes=claim_minutes())
    return or_(Listing.claimed_by_id.is_(None), Listing.claimed_by_id == user.id,
               Listing.claimed_at.is_(None), Listing.claimed_at <= expired_before)


def _held_by(user: User, now: datetime):
    """SQL: `user` holds an unexpired claim on the listing."""
    return (Listing.claimed_by_id == user.id) & (Listing.claimed_at > now - timedelta(minutes=claim_minutes()))


def claims_held(user: User, now: datetime | None = None) -> int:
    """How many pending listings `user` holds an unexpired claim on."""
    return db.session.scalar(select(func.count()).select_from(Listing).where(
        Listing.status == "pending", _held_by(user, now or utcnow())))


def claim_listing(user: User, listing: Listing, now: datetime | None = None) -> Listing:
    """Claim (or renew one's claim on) a pending listing; 409 while someone else holds it or past the limit.

    One conditional UPDATE, so of two moderators claiming at once exactly one wins. The limit
    (MODERATION_MAX_CLAIMS) is counted under a lock on the moderator's own row, so two claims sent at once by
    one moderator cannot both pass it."""
    _require_moderator(user)
    now = now or utcnow()
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    renewing = listing.claimed_by_id == user.id and active_claimant(listing, now) is not None
    limit = current_app.config["MODERATION_MAX_CLAIMS"]
    if not renewing and claims_held(user, now) >= limit:
        raise ModerationError(409, f"You already hold {limit} claims, the most one moderator may hold; decide "
                                   "or release one first.")
    taken = db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id, Listing.status == "pending", _free_or_held_by(user, now))
        .values(claimed_by_id=user.id, claimed_at=now)
        .returning(Listing.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise _not_decidable(listing, now)
    history.record(listing.id, "claimed", user.id, f"until {claim_expires_at(listing):%H:%M} UTC", now)
    return listing


def release_claim(user: User, listing: Listing) -> bool:
    """Give up one's own claim; return whether there was one."""
    _require_moderator(user)
    result = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None).execution_options(synchronize_session=False)
    )
    db.session.refresh(listing)
    if result.rowcount == 1:
        history.record(listing.id, "released", user.id)
    return result.rowcount == 1


def reason_for_seller(code: str | None, text: str | None) -> str | None:
    """The words a seller reads for a reject: the declared reason, then the moderator's text."""
    label = REJECT_REASONS.get(code) if code and code != "other" else None
    if label and text:
        return f"{label}: {text}"
    return label or text


def _checked_reason(decision: str, code: str | None, text: str | None) -> tuple[str | None, str | None]:
    text = (text or "").strip() or None
    if decision != "reject":
        return None, text
    if code is None:
        code = "other"  # the old free-text reason (API /decisions, the page's reason box)
    if code not in REJECT_REASONS:
        raise ModerationError(422, f"Choose a reason from: {', '.join(REJECT_REASONS)}.", field="reason")
    if code == "other" and not text:
        raise ModerationError(422, "A reject needs a reason the seller can act on.", field="reason")
    if text and len(text) > 2000:
        raise ModerationError(422, "Keep the reason under 2000 characters.", field="text")
    return code, text


def decide(user: User, listing: Listing, decision: str, reason: str | None = None, note: str | None = None,
           now: datetime | None = None, reason_code: str | None = None, require_claim: bool = False
           ) -> ModerationDecision:
    """Approve or reject a pending listing; a reject gives a declared reason (`reason_code`, "other" by
    default) and, for "other", the words (`reason`) the seller reads.

    Exactly one decision per pending listing, however many moderators send one at the same instant: one
    conditional UPDATE takes the listing out of the queue only while it is still pending and nobody else holds
    its claim (with `require_claim`, only while `user` holds it), so of two simultaneous deciders one changes
    the row and the other (waiting on its row lock, then seeing it no longer pending) changes nothing and gets
    a 409. The unique (listing, stage) constraint on decisions is the last line of defence. A live listing
    changes only through review (reports.remove_listing). `first_decision_at` is set, the claim released,
    open reports resolved and the seller told."""
    _require_moderator(user)
    if decision not in DECISIONS:
        raise ModerationError(422, "Choose approve or reject.", field="decision")
    reason_code, reason = _checked_reason(decision, reason_code, reason)
    now = now or utcnow()
    claim = _held_by(user, now) if require_claim else _free_or_held_by(user, now)
    taken = db.session.execute(
        update(Listing)
        .where(Listing.id == listing.id, Listing.status == "pending", claim)
        .values(status=STATUS_OF[decision], first_decision_at=func.coalesce(Listing.first_decision_at, now),
                claimed_by_id=None, claimed_at=None)
        .returning(Listing.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise _not_decidable(listing, now, user if require_claim else None)
    row = ModerationDecision(listing_id=listing.id, moderator_id=user.id, decision=decision, at=now,
                             reason_code=reason_code, reason=reason, note=(note or "").strip() or None,
                             stage="queue")
    flush_or_409(f"Listing {listing.id} has already been decided.", row)
    db.session.execute(
        update(ListingReport).where(ListingReport.listing_id == listing.id, ListingReport.is_open.is_(True))
        .values(resolved_at=now, resolved_by_id=user.id, is_open=None).execution_options(synchronize_session=False)
    )
    history.record(listing.id, "decided", user.id, STATUS_OF[decision] + (
        f": {reason_for_seller(reason_code, reason)}" if decision == "reject" else ""), now)
    text = (f"Your listing “{listing.title}” was approved and is live." if decision == "approve"
            else f"Your listing “{listing.title}” was not approved: {reason_for_seller(reason_code, reason)}")
    notify(listing.seller_id, "listing_decision", text, link=f"/listings/{listing.id}")
    db.session.flush()
    db.session.expire(listing, ["decisions", "reports"])
    return row


def _not_decidable(listing: Listing, now: datetime, claimant_needed: User | None = None) -> ModerationError:
    """Why a claim or decision changed nothing: the listing left the queue, someone else holds it, or (bulk)
    the caller does not hold it."""
    if listing.status != "pending":
        return ModerationError(409, f"This listing is no longer pending (it is {listing.status}); "
                                    "a live listing changes only through review.")
    holder = active_claimant(listing, now)
    if holder is None or (claimant_needed is not None and holder.id == claimant_needed.id):
        return ModerationError(409, "Claim this listing before deciding it.")
    return ModerationError(409, f"{holder.name} is reviewing this listing; their claim expires at "
                                f"{claim_expires_at(listing):%H:%M} UTC.")


def flush_or_409(message: str, *new) -> None:
    """Add `new` and flush in a savepoint; a unique constraint that refuses a row (a second writer got there
    first) becomes a 409, and the refused rows leave the session with the savepoint."""
    try:
        with db.session.begin_nested():
            db.session.add_all(new)
            db.session.flush()
    except IntegrityError as exc:
        raise ModerationError(409, message) from exc


def bulk_decide(user: User, listing_ids: list[int], decision: str, reason_code: str | None = None,
                text: str | None = None, now: datetime | None = None) -> tuple[bool, list[dict]]:
    """Decide several listings the moderator has claimed, all or nothing.

    Each listing is decided in its own savepoint through `decide` (so every rule and guard of one decision
    holds); the result says, per listing, "approved"/"rejected" or why not. If any one fails, every savepoint
    is rolled back and (False, results) returned: the caller stores nothing."""
    _require_moderator(user)
    ids = list(dict.fromkeys(listing_ids))
    if not ids:
        raise ModerationError(422, "Choose at least one listing you have claimed.", field="listing_ids")
    if len(ids) > BULK_MAX:
        raise ModerationError(422, f"At most {BULK_MAX} listings at once.", field="listing_ids")
    if decision not in DECISIONS:
        raise ModerationError(422, "Choose approve or reject.", field="decision")
    _checked_reason(decision, reason_code, text)  # bad input is one 422, not one failure per listing
    now = now or utcnow()
    outer = db.session.begin_nested()
    results, ok = [], True
    # Worked through by category: each decision moves the (status, category) counts (moderation/counts.py) and
    # holds their rows until commit, so two bulk decisions at once must take them in one order (no deadlock).
    category = dict(db.session.execute(select(Listing.id, Listing.category).where(Listing.id.in_(ids))).all())
    for listing_id in sorted(ids, key=lambda i: (category.get(i, ""), i)):
        listing = db.session.get(Listing, listing_id)
        if listing is None or not listing_visible_to(user, listing):
            results.append({"listing_id": listing_id, "ok": False, "status": 404, "message": "No such listing."})
            ok = False
            continue
        try:
            with db.session.begin_nested():
                decide(user, listing, decision, text, now=now, reason_code=reason_code, require_claim=True)
            results.append({"listing_id": listing_id, "ok": True, "status": 200, "message": STATUS_OF[decision]})
        except ModerationError as exc:
            results.append({"listing_id": listing_id, "ok": False, "status": exc.status, "message": str(exc)})
            ok = False
    results.sort(key=lambda r: ids.index(r["listing_id"]))  # told in the order asked
    if ok:
        outer.commit()
    else:
        outer.rollback()
        for r in results:
            if r["ok"]:
                r.update(ok=False, status=424, message=f"Not {STATUS_OF[decision]}: another listing failed.")
    return ok, results
