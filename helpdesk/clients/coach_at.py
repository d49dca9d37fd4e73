"""metrics.md section 1, "who is whose client": `coach_at(client, t)`, the coach whose assignment covers t.

One rule, two forms: `assignment_covers_sql` is the SQL condition every list and metric joins on
(rankings, the SLA report, warnings, inbox visibility, coverage, the demo); `coach_at` is the Python
form for one client (a page, a rating, a notification). `tests/clients/test_coach_at.py` checks on
random assignment histories that the two agree.
"""

from datetime import datetime

from sqlalchemy import and_, or_, select

from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.types import utcnow


def assignment_covers(assignment: Assignment, t: datetime) -> bool:
    """Whether `assignment` covers instant `t`: t in [starts_at, ends_at), ends_at None meaning still open."""
    return assignment.starts_at <= t and (assignment.ends_at is None or t < assignment.ends_at)


def assignment_covers_sql(t, assignment=Assignment, client_id=None):
    """SQL twin of `assignment_covers`: `assignment` (the model or an alias) covers `t` (a value or a column),
    and, when `client_id` (a value or a column) is given, is that client's assignment."""
    covers = and_(assignment.starts_at <= t, or_(assignment.ends_at.is_(None), assignment.ends_at > t))
    return covers if client_id is None else and_(assignment.client_id == client_id, covers)


def coach_id_at_sql(client_id, t):
    """Scalar subquery: coach_at(client, t)'s id, for `client_id` and `t` values or columns; NULL if none."""
    return (select(Assignment.coach_id).where(assignment_covers_sql(t, client_id=client_id))
            .order_by(Assignment.starts_at.desc()).limit(1).scalar_subquery())


def assignment_at(client_id: int, t: datetime | None = None) -> Assignment | None:
    """The client's assignment covering `t` (default now), or None.

    A client's intervals never overlap (section 1), so the one covering t, if any, is the last to start at or
    before t; only that row is read."""
    t = t or utcnow()
    latest = db.session.scalar(
        select(Assignment).where(Assignment.client_id == client_id, Assignment.starts_at <= t)
        .order_by(Assignment.starts_at.desc(), Assignment.id.desc()).limit(1))
    return latest if latest is not None and assignment_covers(latest, t) else None


def coach_id_at(client_id: int, t: datetime | None = None) -> int | None:
    """The id of coach_at(client, t) (default now), or None for a client without a coach then."""
    assignment = assignment_at(client_id, t)
    return assignment.coach_id if assignment else None


def coach_at(client: User, t: datetime | None = None) -> User | None:
    """metrics.md `coach_at(client, t)` (default now): the coach whose assignment covers t, or None."""
    assignment = assignment_at(client.id, t)
    return assignment.coach if assignment else None
