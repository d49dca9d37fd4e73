"""Communication Quality (metrics.md section 4) as one SQL aggregate."""

from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.periods import as_utc, parse_month


def standing_yellow(message_id_col, as_of: datetime):
    """SQL: the message carries a Yellow made before T and not overturned on dispute before T."""
    # Imported here: helpdesk.audits imports this module for its live quality figures.
    from helpdesk.audits.models import Audit

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
