"""Vacations and coverage: who is away, whose waiting threads teammates cover, the team leader's view."""

from datetime import date

from sqlalchemy import func, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.clients.services import covers
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import breached_condition
from helpdesk.inbox.services import away_teammate_ids, on_vacation
from helpdesk.types import utcnow


class VacationError(ValueError):
    """A vacation that cannot be scheduled; the message names the field."""


def vacations_of(user: User) -> list[Vacation]:
    return list(db.session.scalars(select(Vacation).where(Vacation.coach_id == user.id)
                                   .order_by(Vacation.starts_on)))


def add_vacation(user: User, starts_on: date | None, ends_on: date | None) -> Vacation:
    """Schedule a vacation for `user`: both days included, from <= to, no overlap with another of theirs."""
    if starts_on is None:
        raise VacationError("starts_on: a start day is required.")
    if ends_on is None:
        raise VacationError("ends_on: an end day is required.")
    if ends_on < starts_on:
        raise VacationError("ends_on: the last day cannot be before the first day.")
    overlap = db.session.scalar(select(Vacation).where(
        Vacation.coach_id == user.id, Vacation.starts_on <= ends_on, Vacation.ends_on >= starts_on).limit(1))
    if overlap is not None:
        raise VacationError(f"starts_on: overlaps your vacation {overlap.starts_on} to {overlap.ends_on}.")
    vacation = Vacation(coach_id=user.id, starts_on=starts_on, ends_on=ends_on)
    db.session.add(vacation)
    db.session.flush()
    return vacation


def delete_vacation(user: User, vacation_id: int) -> bool:
    """Delete one of `user`'s own vacations; False if there is no such vacation of theirs."""
    vacation = db.session.get(Vacation, vacation_id)
    if vacation is None or vacation.coach_id != user.id:
        return False
    db.session.delete(vacation)
    db.session.flush()
    return True


def away_coach_ids(user: User, on: date | None = None) -> list[int]:
    """Coaches whose clients `user` covers today: a coach's away teammates, a team leader's away coaches."""
    on = on or utcnow().date()
    if user.role == Role.COACH.value:
        return away_teammate_ids(user, on)
    if user.role == Role.TEAM_LEADER.value:
        return list(db.session.scalars(
            select(User.id).join(Vacation, Vacation.coach_id == User.id)
            .where(User.reports_to_id == user.id, User.role == Role.COACH.value, on_vacation(on)).distinct()))
    return []


def coverage_select(user: User):
    """Waiting threads of the clients of the coaches `user` covers today, oldest wait first."""
    away = away_coach_ids(user)
    clients = select(Assignment.client_id).where(Assignment.coach_id.in_(away), covers(utcnow()))
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
            .where(Assignment.coach_id.in_(ids), covers(now), Thread.waiting_since.is_not(None))
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
