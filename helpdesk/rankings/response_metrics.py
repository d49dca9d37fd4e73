"""Response-time samples (metrics.md section 3) in SQL, and moderation accuracy (section 9) from moderation."""

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.moderation.accuracy import section9_counts
from helpdesk.sla.samples import limits_us, samples_query


def response_samples(start: datetime, end: datetime, as_of: datetime) -> dict[int, dict]:
    """coach id -> {samples, breaches, met_target, total_us} of the waits starting in M before T.

    Aggregates `helpdesk.sla.samples.samples_query`, the query the SLA page shows, over coaches only.
    """
    samples = samples_query(start, end, as_of)
    sla_us, target_us = limits_us()
    coach = aliased(User)
    query = (
        select(samples.c.coach_id, func.count().label("samples"),
               func.sum(case((samples.c.duration_us > sla_us, 1), else_=0)).label("breaches"),
               func.sum(case((samples.c.duration_us <= target_us, 1), else_=0)).label("met_target"),
               func.sum(samples.c.duration_us).label("total_us"))
        .join(coach, and_(coach.id == samples.c.coach_id, coach.role == "coach"))
        .group_by(samples.c.coach_id)
    )
    return {row.coach_id: {"samples": int(row.samples), "breaches": int(row.breaches),
                           "met_target": int(row.met_target), "total_us": int(row.total_us)}
            for row in db.session.execute(query)}


# Section 9's counts live with the decisions they count; the ranking takes them from there.
moderation_counts = section9_counts


def coaches_assigned(start: datetime, end: datetime, as_of: datetime) -> set[int]:
    """Coaches with an assignment overlapping M (that exists before T)."""
    a = Assignment
    coach = aliased(User)
    query = (select(a.coach_id).distinct().join(coach, and_(coach.id == a.coach_id, coach.role == "coach"))
             .where(a.starts_at < min(end, as_of), or_(a.ends_at.is_(None), a.ends_at > start)))
    return set(db.session.scalars(query))
