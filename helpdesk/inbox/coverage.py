"""Coverage in the inbox: the waiting threads teammates cover, and the team leader's view of the team.

Who is away and who covers whom are the clients package's rules (`helpdesk.clients.coverage`); the vacation
pages and API take them from here.
"""

from sqlalchemy import func, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.coverage import (
    VacationError,
    add_vacation,
    away_coach_ids,
    delete_vacation,
    vacations_of,
)
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import breached_condition
from helpdesk.types import utcnow

__all__ = ["VacationError", "add_vacation", "away_coach_ids", "coverage_select", "delete_vacation", "team_overview",
           "vacations_of"]


def coverage_select(user: User):
    """Waiting threads of the clients of the coaches `user` covers today, oldest wait first."""
    away = away_coach_ids(user)
    clients = select(Assignment.client_id).where(Assignment.coach_id.in_(away), assignment_covers_sql(utcnow()))
    return (select(Thread).where(Thread.waiting_since.is_not(None), Thread.client_id.in_(clients))
            .order_by(Thread.waiting_since, Thread.id))


def team_overview(leader: User) -> list[dict]:
    """Per coach of `leader`: today's and upcoming vacations, waiting and breached thread counts."""
    now = utcnow()
    today = now.date()
    coaches = list(db.session.scalars(select(User).where(User.reports_to_id == leader.id,
                                                         User.role == Role.COACH.value).order_by(User.name)))
    ids = [c.id for c in coaches]
    counts = {
        coach_id: (waiting, breached)
        for coach_id, waiting, breached in db.session.execute(
            select(Assignment.coach_id, func.count(Thread.id),
                   func.count(Thread.id).filter(breached_condition(now)))
            .join(Thread, Thread.client_id == Assignment.client_id)
            .where(Assignment.coach_id.in_(ids), assignment_covers_sql(now), Thread.waiting_since.is_not(None))
            .group_by(Assignment.coach_id))
    }
    vacations: dict[int, list[Vacation]] = {}
    for v in db.session.scalars(select(Vacation).where(Vacation.coach_id.in_(ids), Vacation.ends_on >= today)
                                .order_by(Vacation.starts_on)):
        vacations.setdefault(v.coach_id, []).append(v)
    overview = []
    for coach in coaches:
        upcoming = vacations.get(coach.id, [])
        current = next((v for v in upcoming if v.starts_on <= today), None)
        waiting, breached = counts.get(coach.id, (0, 0))
        overview.append({"coach": coach, "away": current, "upcoming": [v for v in upcoming if v is not current],
                         "waiting": waiting, "breached": breached})
    return overview
