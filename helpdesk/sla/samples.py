"""The samples of metrics.md section 3, as one SQL query: the SLA page and the ranking (money) both aggregate it.

A sample is a wait whose start lies in the period and before T: a response (answered before T) of
`reply - start`, credited to the user who replied, or an open wait of `T - start`, credited to
coach_at(client, wait_start). Durations are integer microseconds, so sums and comparisons are exact.
"""

from collections.abc import Iterable
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, or_, select, union_all
from sqlalchemy.orm import aliased

from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import to_us

US = 1_000_000
DAY_US = 86_400 * US


def samples_query(start: datetime, end: datetime, as_of: datetime, coach_ids: Iterable[int] | None = None):
    """Subquery (coach_id, duration_us, day) of the samples whose wait started in [start, end) before T;
    `day` counts days since the epoch of the wait's start.

    With `coach_ids`, only the samples credited to those coaches: the same rows as filtering the whole
    desk's samples on `coach_id`, but found from the coaches (their replies by `replied_by_id`, their
    clients' open waits through their assignments), so a team's page reads its own waits by index instead
    of every wait of the period (the credited coach is computed, and no index serves it)."""
    t_us = to_us(as_of)
    w = ResponseWait
    a = aliased(Assignment)
    # The rule, once: which waits are samples, when one is answered, what it lasts and who is credited.
    in_period = and_(w.start_us >= to_us(start), w.start_us < min(to_us(end), t_us))
    answered = w.reply_us < t_us
    still_open = or_(w.reply_us.is_(None), w.reply_us >= t_us)  # NOT answered, reply_us NULL included
    covering = assignment_covers_sql(w.wait_start, a, w.client_id)  # coach_at(client, wait_start)
    response_us, open_us = w.reply_us - w.start_us, t_us - w.start_us
    day = (w.start_us // DAY_US).label("day")
    if coach_ids is None:
        return (
            select(case((answered, w.replied_by_id), else_=a.coach_id).label("coach_id"),
                   case((answered, response_us), else_=open_us).label("duration_us"), day)
            .select_from(w).outerjoin(a, covering).where(in_period)
            .subquery("samples")
        )
    coach_ids = list(coach_ids)
    responses = (select(w.replied_by_id.label("coach_id"), response_us.label("duration_us"), day)
                 .where(in_period, answered, w.replied_by_id.in_(coach_ids)))
    open_waits = (select(a.coach_id.label("coach_id"), open_us.label("duration_us"), day)
                  .select_from(a).join(w, covering).where(in_period, still_open, a.coach_id.in_(coach_ids)))
    return union_all(responses, open_waits).subquery("samples")


def limits_us() -> tuple[int, int]:
    """(SLA_HOURS, TARGET_HOURS) in microseconds: a sample over the first is a breach, at most the second meets
    the target."""
    config = current_app.config
    return int(config["SLA_HOURS"] * 3600 * US), int(config["TARGET_HOURS"] * 3600 * US)
