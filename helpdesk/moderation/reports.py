"""Members' reports of live listings, their weight, automatic hiding, and the review that keeps or removes.

Report weight (shown on the review page too). A reporter's weight is the share of their past reports that
ended in removal, pulled toward a neutral prior so that a new reporter counts as "maybe":

    weight(r) = (upheld(r) + PRIOR_UPHELD) / (resolved(r) + PRIOR_REPORTS)        with 1 / 2: a new reporter 0.5

where resolved(r) counts r's reports closed by a review (upheld: the listing was removed; dismissed: it was
kept) before now. A listing's score is the sum of the weights of its open reports. The review queue is ordered
by score, highest first; once a live listing's score reaches MODERATION_HIDE_SCORE it is hidden from the
marketplace automatically, pending review (not a decision: metrics.md section 9 counts none).
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import Float, case, cast, func, select, update
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation import history
from helpdesk.moderation.models import REPORT_REASONS, Listing, ListingReport, ModerationDecision
from helpdesk.moderation.services import ModerationError, _require_moderator, flush_or_409
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

PRIOR_UPHELD, PRIOR_REPORTS = 1, 2
REVIEWABLE = ("approved", "hidden")
FORMULA = ("weight = (reports upheld + 1) / (reports reviewed + 2) — a new reporter weighs 0.5; a listing's "
           "score is the sum of its open reports' weights")


def report_listing(user: User, listing: Listing, reason: str | None, text: str | None = None,
                   now: datetime | None = None) -> ListingReport:
    """A member reports a live listing with a declared reason (REPORT_REASONS; "other" needs words).

    The first API sent only free text as `reason`: anything not a declared reason is "other" with that text.
    One open report per member and listing, kept by a unique constraint (a second one is a 409). A report
    that lifts the listing's score to MODERATION_HIDE_SCORE hides it, pending review."""
    if user.role != Role.CLIENT.value:
        raise ModerationError(403, "Only members report listings; moderators re-review them from the queue.")
    if listing.seller_id == user.id:
        raise ModerationError(422, "You cannot report your own listing.", field="listing")
    if listing.status != "approved":
        raise ModerationError(409, "Only a live listing can be reported.")
    reason, text = (reason or "").strip(), (text or "").strip() or None
    if reason not in REPORT_REASONS:  # the first API's free text
        reason, text = "other", "\n".join(x for x in (reason, text) if x) or None
    if reason == "other" and not text:
        raise ModerationError(422, "Say what is wrong with the listing.", field="reason")
    if text and len(text) > 2000:
        raise ModerationError(422, "Keep the reason under 2000 characters.", field="text")
    now = now or utcnow()
    report = ListingReport(listing_id=listing.id, reporter_id=user.id, reason_code=reason, reason=text or "",
                           created_at=now, is_open=True)
    flush_or_409("You have already reported this listing; a moderator will review it.", report)
    history.record(listing.id, "reported", user.id, REPORT_REASONS[reason], now)
    _hide_if_over_threshold(listing, now)
    db.session.flush()
    return report


def reporter_weights():
    """A subquery: reporter_id -> weight, over reports closed by a review (the formula in the module doc)."""
    upheld = func.sum(case((ListingReport.outcome == "upheld", 1), else_=0))
    reviewed = func.count(ListingReport.outcome)
    return (select(ListingReport.reporter_id,
                   ((cast(upheld, Float) + PRIOR_UPHELD) / (cast(reviewed, Float) + PRIOR_REPORTS)).label("weight"))
            .where(ListingReport.outcome.is_not(None)).group_by(ListingReport.reporter_id).subquery())


def _open_scores():
    """A subquery: listing_id -> open reports, their weighted score and first report time."""
    w = reporter_weights()
    weight = func.coalesce(w.c.weight, PRIOR_UPHELD / PRIOR_REPORTS)
    return (select(ListingReport.listing_id, func.count().label("reports"), func.sum(weight).label("score"),
                   func.min(ListingReport.created_at).label("first"))
            .outerjoin(w, w.c.reporter_id == ListingReport.reporter_id)
            .where(ListingReport.is_open.is_(True)).group_by(ListingReport.listing_id).subquery())


def weight_of(reporter: User) -> float:
    """One reporter's weight now."""
    w = reporter_weights()
    value = db.session.scalar(select(w.c.weight).where(w.c.reporter_id == reporter.id))
    return float(value) if value is not None else PRIOR_UPHELD / PRIOR_REPORTS


def score_of(listing: Listing) -> float:
    """The weighted score of the listing's open reports."""
    s = _open_scores()
    return float(db.session.scalar(select(s.c.score).where(s.c.listing_id == listing.id)) or 0)


def _hide_if_over_threshold(listing: Listing, now: datetime) -> None:
    threshold = current_app.config["MODERATION_HIDE_SCORE"]
    score = score_of(listing)
    if score < threshold:
        return
    hidden = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status == "approved").values(status="hidden")
        .returning(Listing.id).execution_options(synchronize_session=False)).scalar()
    db.session.refresh(listing)
    if hidden:
        history.record(listing.id, "auto_hidden", None, f"score {score:.2f} reached {threshold}", now)


def review_queue(user: User, limit: int = 100) -> list[dict]:
    """Reported live (or hidden) listings, highest weighted score first, each with its report count and reasons;
    listings `user` approved are left out (someone else reviews them)."""
    _require_moderator(user)
    s = _open_scores()
    approver = (select(ModerationDecision.moderator_id).where(ModerationDecision.listing_id == Listing.id,
                                                              ModerationDecision.decision == "approve")
                .order_by(ModerationDecision.at.desc(), ModerationDecision.id.desc()).limit(1)
                .correlate(Listing).scalar_subquery())
    rows = db.session.execute(
        select(Listing, s.c.reports, s.c.score, approver.label("approver_id")).join(s, s.c.listing_id == Listing.id)
        .where(Listing.status.in_(REVIEWABLE)).options(selectinload(Listing.images))  # the page shows a photo
        .order_by(s.c.score.desc(), s.c.first, Listing.id).limit(limit)).all()
    rows = [r for r in rows if r.approver_id != user.id]
    reasons = {}
    if rows:
        for listing_id, code, n in db.session.execute(
                select(ListingReport.listing_id, ListingReport.reason_code, func.count())
                .where(ListingReport.is_open.is_(True), ListingReport.listing_id.in_([r[0].id for r in rows]))
                .group_by(ListingReport.listing_id, ListingReport.reason_code)
                .order_by(ListingReport.listing_id, func.count().desc(), ListingReport.reason_code)):
            reasons.setdefault(listing_id, []).append({"reason": code, "count": n})
    return [{"listing": r[0], "reports": r.reports, "score": round(float(r.score), 4), "approver_id": r.approver_id,
             "reasons": reasons.get(r[0].id, [])} for r in rows]


def open_reports(listing: Listing) -> list[ListingReport]:
    return [r for r in listing.reports if r.is_open]


def _close_reports(listing: Listing, user: User, outcome: str, now: datetime) -> int:
    result = db.session.execute(
        update(ListingReport).where(ListingReport.listing_id == listing.id, ListingReport.is_open.is_(True))
        .values(resolved_at=now, resolved_by_id=user.id, is_open=None, outcome=outcome)
        .execution_options(synchronize_session=False))
    db.session.expire(listing, ["reports"])
    return result.rowcount


def approver_id(listing: Listing) -> int | None:
    """Who approved the listing in the queue (the moderator a removal would overturn)."""
    return db.session.scalar(select(ModerationDecision.moderator_id).where(
        ModerationDecision.listing_id == listing.id, ModerationDecision.decision == "approve")
        .order_by(ModerationDecision.at.desc(), ModerationDecision.id.desc()).limit(1))


def _require_reviewer(user: User, listing: Listing) -> None:
    _require_moderator(user)
    if approver_id(listing) == user.id:
        raise ModerationError(403, "You approved this listing; another moderator reviews it.")


def resolve_reports(user: User, listing: Listing, now: datetime | None = None) -> int:
    """Review, keep: close the listing's open reports (dismissed) and put a hidden listing back live."""
    _require_reviewer(user, listing)
    now = now or utcnow()
    n = _close_reports(listing, user, "dismissed", now)
    if n == 0:
        raise ModerationError(409, "This listing has no open reports.")
    db.session.execute(update(Listing).where(Listing.id == listing.id, Listing.status == "hidden")
                       .values(status="approved").execution_options(synchronize_session=False))
    db.session.refresh(listing)
    history.record(listing.id, "kept", user.id, f"{n} report{'s' if n != 1 else ''} closed", now)
    db.session.flush()
    return n


def remove_listing(user: User, listing: Listing, reason: str | None, note: str | None = None,
                   now: datetime | None = None, reason_code: str | None = None) -> ModerationDecision:
    """Review, remove: take a live (or hidden) listing off the marketplace with a reject decision the seller
    reads; its open reports are upheld.

    A reject after someone else's approval is an overturn (metrics.md section 9), so the approver never reviews
    their own approval. One conditional UPDATE moves the listing to removed: of two reviewers at once, one
    removes and the other gets a 409; the unique (listing, stage) constraint backs it."""
    from helpdesk.moderation.services import _checked_reason, reason_for_seller

    _require_reviewer(user, listing)
    if not (reason or "").strip() and reason_code in (None, "other"):
        raise ModerationError(422, "Removing a listing needs a reason the seller can read.", field="reason")
    reason_code, reason = _checked_reason("reject", reason_code, reason)
    now = now or utcnow()
    taken = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status.in_(REVIEWABLE))
        .values(status="removed").returning(Listing.id).execution_options(synchronize_session=False)
    ).scalar()
    db.session.refresh(listing)
    if taken is None:
        raise ModerationError(409, f"This listing is not live (it is {listing.status}); there is nothing to review.")
    row = ModerationDecision(listing_id=listing.id, moderator_id=user.id, decision="reject", at=now,
                             reason_code=reason_code, reason=reason, note=(note or "").strip() or None, stage="review")
    flush_or_409(f"Listing {listing.id} has already been removed.", row)
    _close_reports(listing, user, "upheld", now)
    words = reason_for_seller(reason_code, reason)
    history.record(listing.id, "removed", user.id, words, now)
    approved_by = approver_id(listing)
    if approved_by is not None and approved_by != user.id:
        history.record(listing.id, "overturn", user.id, f"approval by user {approved_by} overturned", now)
    notify(listing.seller_id, "listing_decision",
           f"Your listing “{listing.title}” was removed from the marketplace after review: {words}",
           link=f"/listings/{listing.id}")
    db.session.flush()
    db.session.expire(listing, ["decisions", "reports"])
    return row

