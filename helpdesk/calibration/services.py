"""Calibration: several auditors review one reply independently; their agreement is measured.

An item closes when `reviewers_needed` auditors have reviewed it; only then are the colours shown.
Its majority colour is the colour more reviewers chose than any other. When the top count is tied
(1-1-1, or 2-2 of four) the item has no majority and is left out of every auditor's agreement rate:
there is nothing to agree with. An auditor's agreement rate over a month is the share of the closed
items with a majority that closed in that month (the instant of the last review) and that the
auditor reviewed, where their colour was the majority colour.
"""

from datetime import datetime

from flask import abort
from sqlalchemy import case, false, func, literal, select
from sqlalchemy.exc import IntegrityError

from helpdesk.audits.models import COLORS
from helpdesk.audits.services import (
    CALIBRATION_COMMENT_MAX,
    AuditError,
    bounded_text,
    clean_text,
    require_coach_reply,
    thread_visible,
)
from helpdesk.auth.models import Role, User
from helpdesk.calibration.models import CalibrationItem, CalibrationReview
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.types import utcnow

# Who opens the calibration page: its list of items and the agreement rates.
PAGE_ROLES = (Role.AUDITOR.value, Role.TEAM_LEADER.value, Role.ADMIN.value)
ALREADY_MARKED = "This reply is already marked for calibration."


def mark(user: User, message: Message, reviewers_needed=3) -> CalibrationItem:
    """An admin or team leader puts a coach reply up for calibration."""
    require_coach_reply(message)
    try:
        needed = int(reviewers_needed)
    except (TypeError, ValueError):
        raise AuditError("reviewers_needed", "Give a whole number of reviewers.") from None
    if not 2 <= needed <= 20:
        raise AuditError("reviewers_needed", "Between 2 and 20 reviewers are needed.")
    # Only auditors review: an item asking for more than there are could never close.
    auditors = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.AUDITOR.value, User.active.is_(True)))
    if needed > auditors:
        raise AuditError("reviewers_needed", f"There are {auditors} auditors: an item asking for {needed} "
                                             "reviews would never close.")
    if db.session.scalar(select(CalibrationItem.id).where(CalibrationItem.message_id == message.id)):
        raise AuditError("message", ALREADY_MARKED, 409)
    item = CalibrationItem(message_id=message.id, created_by_id=user.id, reviewers_needed=needed,
                           created_at=utcnow())
    # Two leaders marking at the same instant both pass the check; the unique message_id decides.
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise AuditError("message", ALREADY_MARKED, 409) from None
    return item


def review_count(item: CalibrationItem) -> int:
    """How many reviews the item has."""
    return db.session.scalar(select(func.count()).select_from(CalibrationReview)
                             .where(CalibrationReview.item_id == item.id))


def is_closed(item: CalibrationItem) -> bool:
    """Closed: all `reviewers_needed` reviews are in, so the colours show."""
    return review_count(item) >= item.reviewers_needed


def review(auditor: User, item: CalibrationItem, color, comment=None, now: datetime | None = None):
    """One auditor's independent colour for a calibration item (not an Audit: it counts in no quality)."""
    if auditor.role != Role.AUDITOR.value:
        raise AuditError("auditor", "Only auditors review calibration items.", 403)
    color = clean_text(color).lower()
    if color not in COLORS:
        raise AuditError("color", f"Must be one of: {', '.join(COLORS)}.")
    comment = bounded_text(comment, "comment", CALIBRATION_COMMENT_MAX)
    # One review at a time per item (PostgreSQL; SQLite has one writer anyway): a second submission by the
    # same auditor then sees the first and gets a 409, and the last places cannot be taken twice.
    db.session.execute(select(CalibrationItem.id).where(CalibrationItem.id == item.id).with_for_update())
    if db.session.scalar(select(CalibrationReview.id).where(CalibrationReview.item_id == item.id,
                                                            CalibrationReview.auditor_id == auditor.id)):
        raise AuditError("item", "You have already reviewed this item.", 409)
    if is_closed(item):
        raise AuditError("item", "This item already has all its reviews.", 409)
    row = CalibrationReview(item_id=item.id, auditor_id=auditor.id, color=color,
                            comment=comment or None, at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def item_view(user: User, item: CalibrationItem) -> dict:
    """What `user` may see of an item: every colour once closed; before that only their own review."""
    reviews = db.session.scalars(select(CalibrationReview).where(CalibrationReview.item_id == item.id)
                                 .order_by(CalibrationReview.at, CalibrationReview.id)).all()
    closed = len(reviews) >= item.reviewers_needed
    mine = next((r for r in reviews if r.auditor_id == user.id), None)
    return {"item": item, "closed": closed, "count": len(reviews), "mine": mine,
            "reviews": reviews if closed else [], "majority": majority(reviews) if closed else None}


def majority(reviews) -> str | None:
    """The colour more reviews chose than any other; None for a tie or no reviews."""
    counts: dict[str, int] = {}
    for r in reviews:
        counts[r.color] = counts.get(r.color, 0) + 1
    if not counts:
        return None
    top = max(counts.values())
    leaders = [c for c, n in counts.items() if n == top]
    return leaders[0] if len(leaders) == 1 else None


def item_visible_to(user: User, item: CalibrationItem | None) -> bool:
    """Who may see a calibration item (its reply's words, its reviews): whoever may open the reply's thread,
    among those who open the calibration page. A team leader so sees only their team's (and unassigned
    clients') items; `visible_items` is the SQL twin for lists."""
    return (item is not None and user is not None and getattr(user, "is_authenticated", False)
            and user.role in PAGE_ROLES and thread_visible(user, item.message.thread))


def visible_items(user: User):
    """SQL condition on CalibrationItem: the items `user` may see (the twin of `item_visible_to`)."""
    from helpdesk.inbox.services import visible_client_condition

    if user.role not in PAGE_ROLES:
        return false()
    threads = select(Message.id).join(Thread, Thread.id == Message.thread_id).where(
        visible_client_condition(user, Thread.client_id))
    return CalibrationItem.message_id.in_(threads)


def get_item(user: User, item_id: int) -> CalibrationItem:
    """The calibration item if `user` may see it, else 404 (as the thread would answer)."""
    item = db.session.get(CalibrationItem, item_id)
    if not item_visible_to(user, item):
        abort(404)
    return item


def items(user: User, limit: int = 100) -> list[CalibrationItem]:
    """The newest calibration items `user` may see."""
    return db.session.scalars(select(CalibrationItem).where(visible_items(user))
                              .order_by(CalibrationItem.created_at.desc(), CalibrationItem.id.desc())
                              .limit(limit)).all()


def candidates(user: User, limit: int = 30) -> list[Message]:
    """Coach replies `user` may mark, newest first: in threads they may open, not marked yet (the page's
    picker, so nobody types a raw message id)."""
    from helpdesk.inbox.services import visible_client_condition

    return db.session.scalars(
        select(Message).join(Thread, Thread.id == Message.thread_id).join(User, User.id == Message.author_id)
        .where(User.role == Role.COACH.value, visible_client_condition(user, Thread.client_id),
               ~select(CalibrationItem.id).where(CalibrationItem.message_id == Message.id).exists())
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(limit)
    ).all()


def agreement_rates(start: datetime, end: datetime) -> list[dict]:
    """Per auditor: closed items with a majority that closed in [start, end), how many they matched."""
    closed = (
        select(CalibrationReview.item_id.label("item_id"), func.max(CalibrationReview.at).label("closed_at"))
        .join(CalibrationItem, CalibrationItem.id == CalibrationReview.item_id)
        .group_by(CalibrationReview.item_id, CalibrationItem.reviewers_needed)
        .having(func.count() >= CalibrationItem.reviewers_needed)
        .subquery()
    )
    votes = (
        select(CalibrationReview.item_id.label("item_id"), CalibrationReview.color.label("color"),
               func.count().label("n"))
        .join(closed, closed.c.item_id == CalibrationReview.item_id)
        .where(closed.c.closed_at >= start, closed.c.closed_at < end)
        .group_by(CalibrationReview.item_id, CalibrationReview.color)
        .subquery()
    )
    ranked = select(votes.c.item_id, votes.c.color, votes.c.n,
                    func.max(votes.c.n).over(partition_by=votes.c.item_id).label("top")).subquery()
    leaders = (select(ranked.c.item_id, func.min(ranked.c.color).label("color"), func.count().label("ties"))
               .where(ranked.c.n == ranked.c.top).group_by(ranked.c.item_id).subquery())
    majority_colors = select(leaders.c.item_id, leaders.c.color).where(leaders.c.ties == 1).subquery()
    matched = func.sum(case((CalibrationReview.color == majority_colors.c.color, 1), else_=0))
    rows = db.session.execute(
        select(User.id, User.name, func.count().label("items"), func.coalesce(matched, literal(0)).label("agreed"))
        .select_from(CalibrationReview)
        .join(majority_colors, majority_colors.c.item_id == CalibrationReview.item_id)
        .join(User, User.id == CalibrationReview.auditor_id)
        .group_by(User.id, User.name).order_by(User.name, User.id)
    ).all()
    return [{"auditor_id": r.id, "name": r.name, "items": int(r.items), "agreed": int(r.agreed),
             "rate": int(r.agreed) / int(r.items)} for r in rows]


