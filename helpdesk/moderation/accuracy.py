"""Moderation accuracy per moderator and month, as metrics.md section 9 defines it, with the queue's times.

`section9_counts` is the one statement of section 9, over this package's own tables; the monthly ranking
takes it from here (helpdesk.rankings.response_metrics.moderation_counts is this function), so the page and the
export cannot disagree.
"""

import statistics
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.csv_export import csv_text
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.periods import current_month, parse_month
from helpdesk.types import utcnow

COLUMNS = ("moderator_id", "moderator", "moderated", "approved_later_rejected", "accuracy",
           "median_seconds_to_decide", "overdue", "tier_outlook")
SORTS = COLUMNS[1:]
TIER_ORDER = {"top": 0, "middle": 1, "bottom": 2}

# month, {moderator id -> (moderated, accuracy)} -> the tiers those figures would reach in the month's stored
# ranking (helpdesk.rankings.moderation_outlook registers it: the rankings depend on this package, not back).
_tier_outlook = None


def register_tier_outlook(outlook) -> None:
    global _tier_outlook
    _tier_outlook = outlook


def with_tier_outlook(month: str, rows: list[dict]) -> dict | None:
    """Add `tier_outlook` (top/middle/bottom or None) and `tier_note` to each row: the Moderation bonus tier
    the row's figures would reach in the month's stored ranking. Returns what the outlook was read against
    ({"as_of", "provisional", "pool"}), or None when the month has no stored ranking yet."""
    found = _tier_outlook(month, {r["moderator_id"]: (r["moderated"], r["accuracy"]) for r in rows}) \
        if _tier_outlook and rows else None
    for r in rows:
        r["tier_outlook"], r["tier_note"] = found["outlooks"][r["moderator_id"]] if found else (None, None)
    return found and {k: found[k] for k in ("as_of", "provisional", "pool")}


def section9_counts(start: datetime, end: datetime, as_of: datetime) -> dict[int, tuple[int, int]]:
    """moderator id -> (moderated, approved_later_rejected) for decisions in [start, end) before `as_of`:
    an approval counts as overturned when a later reject of the same listing, by anyone else, precedes T."""
    d, later = ModerationDecision, aliased(ModerationDecision)
    overturned = exists().where(later.listing_id == d.listing_id, later.decision == "reject",
                                later.moderator_id != d.moderator_id, later.at > d.at, later.at < as_of)
    rows = db.session.execute(
        select(d.moderator_id, func.count(), func.sum(case((and_(d.decision == "approve", overturned), 1), else_=0)))
        .where(d.at >= start, d.at < min(end, as_of)).group_by(d.moderator_id))
    return {mid: (int(n), int(bad or 0)) for mid, n, bad in rows}


def _accuracy(moderated: int, overturned: int) -> Decimal | None:
    """1 - approved_later_rejected / moderated, to 9 places like the export; none if nothing moderated."""
    if not moderated:
        return None
    return Decimal(round(Fraction(moderated - overturned, moderated) * 10**9)).scaleb(-9)


def month_stats(start: datetime, end: datetime, as_of: datetime | None = None,
                moderator_ids: list[int] | None = None) -> list[dict]:
    """One row per moderator with a decision in the month: section 9's figures, the median seconds from
    submission to the listing's first decision (metrics.md section 3) over the first decisions they made, and
    how many of those came after SLA_HOURS (overdue)."""
    as_of = min(as_of or utcnow(), end)
    counts = section9_counts(start, end, as_of)
    ids = sorted(set(counts) if moderator_ids is None else set(counts) & set(moderator_ids))
    waits: dict[int, list[float]] = {i: [] for i in ids}
    if ids:
        d = ModerationDecision
        for mid, decided, submitted in db.session.execute(
                select(d.moderator_id, d.at, Listing.submitted_at).join(Listing, Listing.id == d.listing_id)
                .where(d.moderator_id.in_(ids), d.at >= start, d.at < as_of, d.at == Listing.first_decision_at)):
            waits[mid].append((decided - submitted).total_seconds())
    names = {uid: name for uid, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))}
    sla = timedelta(hours=current_app.config["SLA_HOURS"]).total_seconds()
    return [{"moderator_id": mid, "moderator": names.get(mid, "?"), "moderated": counts[mid][0],
             "approved_later_rejected": counts[mid][1], "accuracy": _accuracy(*counts[mid]),
             "median_seconds_to_decide": statistics.median(waits[mid]) if waits[mid] else None,
             "overdue": sum(1 for w in waits[mid] if w > sla)} for mid in ids]


def month_bounds(month: str | None) -> tuple[str, datetime, datetime]:
    """"YYYY-MM" (default: the current month) -> (month, start, end) in UTC; a bad month is a 422."""
    from helpdesk.moderation.services import ModerationError

    month = month or current_month()
    try:
        start, end = parse_month(month)
    except ValueError as exc:
        raise ModerationError(422, "Give the month as YYYY-MM.", field="month") from exc
    return month, start, end


def sorted_rows(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    """Rows sorted by one column; empty values last."""
    if sort not in SORTS:
        sort = "moderator"
    present = [r for r in rows if r.get(sort) is not None]
    key = (lambda r: TIER_ORDER[r[sort]]) if sort == "tier_outlook" else (lambda r: r[sort])  # best tier first
    return sorted(present, key=key, reverse=descending) + [r for r in rows if r.get(sort) is None]


def to_csv(rows: list[dict]) -> str:
    """The rows as CSV with a header (empty cell for none), through the one CSV writer (no live formulas)."""
    return csv_text(COLUMNS, ([r[c] for c in COLUMNS] for r in rows))
