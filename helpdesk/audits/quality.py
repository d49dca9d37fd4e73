"""Communication Quality (metrics.md section 4): the SQL aggregate the monthly ranking stores, and the live
figures of the current month the Audits page shows. It lives with the audits it counts; rankings imports it."""

from datetime import datetime

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.periods import as_utc, current_month, parse_month
from helpdesk.types import utcnow


def standing_audit(as_of: datetime):
    """SQL, on an Audit row: a Yellow made before T and not overturned on dispute before T."""
    return and_(
        Audit.color == "yellow",
        Audit.at < as_of,
        or_(Audit.resolution.is_(None), Audit.resolution != "overturned",
            Audit.resolved_at.is_(None), Audit.resolved_at >= as_of),
    )


def standing_yellow(message_id_col, as_of: datetime):
    """SQL: the message carries a Yellow made before T and not overturned on dispute before T."""
    return exists().where(Audit.message_id == message_id_col, standing_audit(as_of))


def communication_quality_query(month: str, as_of: datetime, coach_ids=None):
    """Select (coach_id, answered, needs_improvement) for coaches who answered in M before T.

    `answered` is counted coach by coach from the (author_id, sent_at) index, and `needs_improvement` from
    the side of the standing Yellows (a few per thousand replies), so neither reads the month's messages
    of every author, nor the messages of other months."""
    start, end = parse_month(month)
    as_of = as_utc(as_of)
    upper = min(end, as_of)
    in_month = and_(Message.sent_at >= start, Message.sent_at < upper)
    coach = aliased(User)
    coaches = (select(coach.id.label("coach_id"), func.count().label("answered"))
               .join(Message, and_(Message.author_id == coach.id, in_month))
               .where(coach.role == "coach").group_by(coach.id))
    flagged = (select(Message.author_id.label("coach_id"), func.count(distinct(Message.id)).label("ni"))
               .join(Audit, Audit.message_id == Message.id)
               .where(in_month, standing_audit(as_of)).group_by(Message.author_id))
    if coach_ids is not None:
        coaches = coaches.where(coach.id.in_(list(coach_ids)))
        flagged = flagged.where(Message.author_id.in_(list(coach_ids)))
    coaches, flagged = coaches.subquery("coaches"), flagged.subquery("flagged")
    return (select(coaches.c.coach_id, coaches.c.answered,
                   func.coalesce(flagged.c.ni, 0).label("needs_improvement"))
            .outerjoin(flagged, flagged.c.coach_id == coaches.c.coach_id))


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
