"""The samples of metrics.md section 3, as one SQL query: the SLA page and the ranking (money) both aggregate it.

A sample is a wait whose start lies in the period and before T: a response (answered before T) of
`reply - start`, credited to the user who replied, or an open wait of `T - start`, credited to
coach_at(client, wait_start). Durations are integer microseconds, so sums and comparisons are exact.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import case, select
from sqlalchemy.orm import aliased

from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment
from helpdesk.sla.models import ResponseWait
from helpdesk.sla.services import to_us

US = 1_000_000
DAY_US = 86_400 * US


def samples_query(start: datetime, end: datetime, as_of: datetime):
    """Subquery (coach_id, duration_us, day) of the samples whose wait started in [start, end) before T;
    `day` counts days since the epoch of the wait's start."""
    t_us = to_us(as_of)
    w = ResponseWait
    a = aliased(Assignment)
    answered = w.reply_us < t_us
    return (
        select(case((answered, w.replied_by_id), else_=a.coach_id).label("coach_id"),
               case((answered, w.reply_us - w.start_us), else_=t_us - w.start_us).label("duration_us"),
               (w.start_us // DAY_US).label("day"))
        .select_from(w)
        .outerjoin(a, assignment_covers_sql(w.wait_start, a, w.client_id))
        .where(w.start_us >= to_us(start), w.start_us < min(to_us(end), t_us))
        .subquery("samples")
    )


def limits_us() -> tuple[int, int]:
    """(SLA_HOURS, TARGET_HOURS) in microseconds: a sample over the first is a breach, at most the second meets
    the target."""
    config = current_app.config
    return int(config["SLA_HOURS"] * 3600 * US), int(config["TARGET_HOURS"] * 3600 * US)
