"""Communication Quality (metrics.md section 4): the SQL aggregate the monthly ranking stores, and the live
figures of the current month the Audits page shows. It lives with the audits it counts; rankings imports it."""

from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.periods import as_utc, current_month, parse_month
from helpdesk.types import utcnow


def standing_yellow(message_id_col, as_of: datetime):
    """SQL: the message carries a Yellow made before T and not overturned on dispute before T."""
    return exists().where(
        Audit.message_id == message_id_col,
        Audit.color == "yellow",
        Audit.at < as_of,
        or_(Audit.resolution.is_(None), Audit.resolution != "overturned",
            Audit.resolved_at.is_(None), Audit.resolved_at >= as_of),
    )


def communication_quality_query(month: str, as_of: datetime, coach_ids=None):
    """Select (coach_id, answered, needs_improvement) for coaches who answered in M before T."""
    start, end = parse_month(month)
    as_of = as_utc(as_of)
    upper = min(end, as_of)
    ni = case((standing_yellow(Message.id, as_of), 1), else_=0)
    query = (
        select(Message.author_id.label("coach_id"), func.count().label("answered"),
               func.coalesce(func.sum(ni), 0).label("needs_improvement"))
        .join(Thread, Thread.id == Message.thread_id)
        .join(User, and_(User.id == Message.author_id, User.role == "coach"))
        .where(Message.sent_at >= start, Message.sent_at < upper)
        .group_by(Message.author_id)
    )
    if coach_ids is not None:
        query = query.where(Message.author_id.in_(list(coach_ids)))
    return query


def communication_quality_counts(month: str, as_of: datetime, coach_ids=None) -> dict[int, tuple[int, int]]:
    """Map coach user id -> (answered, needs_improvement) for month "YYYY-MM" as of T.

    Coaches who answered nothing in M before T are absent (their quality is none).
    """
    rows = db.session.execute(communication_quality_query(month, as_of, coach_ids))
    return {row.coach_id: (int(row.answered), int(row.needs_improvement)) for row in rows}


def live_quality(coaches, now: datetime | None = None) -> list[dict]:
    """For each coach: replies answered this month, standing Yellows on them, and the figure (None if
    nothing answered), exactly as the monthly ranking computes them with T = now."""
    now = now or utcnow()
    counts = communication_quality_counts(current_month(now), now, [c.id for c in coaches])
    rows = []
    for coach in coaches:
        answered, ni = counts.get(coach.id, (0, 0))
        rows.append({"coach": coach, "answered": answered, "needs_improvement": ni,
                     "quality": (1 - ni / answered) if answered else None})
    return rows
