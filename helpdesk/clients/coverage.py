"""Vacations and coverage: who is away, who covers an away coach's clients, and so who may see a client.

These rules are about assignments and vacations only, so they live beside those models; the inbox (threads)
and every other feature import them from here.
"""

from datetime import date, datetime

from sqlalchemy import Date, Integer, and_, bindparam, exists, false, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import assignment_covers_sql, coach_id_at
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

# Roles that see every client (and so every thread).
ALL_CLIENTS_ROLES = (Role.AUDITOR.value, Role.SUPPORT.value, Role.ADMIN.value)


class VacationError(Refusal, ValueError):
    """A vacation that cannot be scheduled: a 422 naming the field; str() is "field: why"."""

    def __init__(self, field: str, message: str):
        super().__init__(422, message, field=field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def on_vacation(on: date):
    """SQL condition on Vacation: the vacation includes day `on`."""
    return and_(Vacation.starts_on <= on, Vacation.ends_on >= on)


def vacations_of(user: User) -> list[Vacation]:
    """`user`'s vacations, earliest first."""
    return list(db.session.scalars(select(Vacation).where(Vacation.coach_id == user.id)
                                   .order_by(Vacation.starts_on)))


def add_vacation(user: User, starts_on: date | None, ends_on: date | None) -> Vacation:
    """Schedule a vacation for `user`: both days included, from <= to, no overlap with another of theirs."""
    if starts_on is None:
        raise VacationError("starts_on", "a start day is required.")
    if ends_on is None:
        raise VacationError("ends_on", "an end day is required.")
    if ends_on < starts_on:
        raise VacationError("ends_on", "the last day cannot be before the first day.")
    # Checked under a lock on the coach's row (PostgreSQL), so two requests at once cannot both find no overlap.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    overlap = db.session.scalar(select(Vacation).where(
        Vacation.coach_id == user.id, Vacation.starts_on <= ends_on, Vacation.ends_on >= starts_on).limit(1))
    if overlap is not None:
        raise VacationError("starts_on", f"overlaps your vacation {overlap.starts_on} to {overlap.ends_on}.")
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


def away_teammate_ids(coach: User, on: date | None = None) -> list[int]:
    """Ids of the other coaches of `coach`'s team leader who are on vacation on `on` (default today)."""
    if coach.reports_to_id is None:
        return []
    return list(db.session.scalars(
        select(User.id).join(Vacation, Vacation.coach_id == User.id)
        .where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id, User.id != coach.id,
               on_vacation(on or utcnow().date()))
        .distinct()
    ))


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


def covering_teammate_ids(coach: User, on: date) -> list[int] | None:
    """While `coach` is away on day `on`: the ids of their active teammates who are not away (maybe none);
    None if the coach is not away that day or has no team leader (nobody covers then)."""
    away = db.session.scalar(select(Vacation.id).where(Vacation.coach_id == coach.id, on_vacation(on)).limit(1))
    if away is None or coach.reports_to_id is None:
        return None
    away_ids = select(Vacation.coach_id).where(on_vacation(on))
    return list(db.session.scalars(
        select(User.id).where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id,
                              User.id != coach.id, User.active.is_(True), User.id.not_in(away_ids))
    ))


def responders_for(client_id: int, on: date | None = None) -> list[int]:
    """Who answers for a client on day `on` (default today): the client's coach, or while that coach is away,
    the teammates who are not away (the team leader if none is left); nobody for an unassigned client."""
    coach_id = coach_id_at(client_id)
    if coach_id is None:
        return []
    coach = db.session.get(User, coach_id)
    covering = covering_teammate_ids(coach, on or utcnow().date())
    if covering is None:
        return [coach_id]
    return covering or [coach.reports_to_id]


def _client_ids_of_coaches(coach_ids, at: datetime):
    return select(Assignment.client_id).where(Assignment.coach_id.in_(coach_ids), assignment_covers_sql(at))


def visibility(user: User, now: datetime | None = None):
    """Work out once who `user` may see; return a function turning a client-id column into the SQL
    condition "user may see this client (and their threads)", so a page with several queries asks only once.

    Clients see themselves; coaches their clients and those of teammates away today; team leaders their team's
    clients and unassigned ones; auditors, support and admins all. The condition's shape depends on the role
    only: the user's ids and the time are the named parameters of `visibility_values`, so a statement built
    once per role is run for any user of that role with that user's values (the inbox does, issue #15)."""
    if user.role in ALL_CLIENTS_ROLES:
        return lambda column: column.is_not(None)
    values = visibility_values(user, now)
    user_id = bindparam("visible_user_id", values["visible_user_id"], type_=Integer())
    if user.role == Role.CLIENT.value:
        return lambda column: column == user_id
    at = bindparam("visible_at", values["visible_at"], type_=UTCDateTime())
    if user.role == Role.COACH.value:
        # Themself and teammates away today, as one subquery (no extra round trip per page).
        away = select(Vacation.coach_id).where(on_vacation(bindparam("visible_on", values["visible_on"], type_=Date())))
        leader = bindparam("visible_leader_id", values["visible_leader_id"], type_=Integer())
        covered = select(User.id).where(or_(
            User.id == user_id,
            and_(User.role == Role.COACH.value, User.reports_to_id == leader,
                 User.reports_to_id.is_not(None), User.id.in_(away))))
        clients = _client_ids_of_coaches(covered, at)
        return lambda column: column.in_(clients)
    if user.role == Role.TEAM_LEADER.value:
        team = select(User.id).where(User.reports_to_id == user_id, User.role == Role.COACH.value)
        clients = _client_ids_of_coaches(team, at)

        def condition(column):
            assigned = exists(select(Assignment.id).where(assignment_covers_sql(at, client_id=column)))
            return or_(column.in_(clients), ~assigned)

        return condition
    return lambda column: false()


def visibility_values(user: User, now: datetime | None = None) -> dict:
    """The values of visibility(user)'s named parameters: who the user is and when."""
    now = now or utcnow()
    return {"visible_user_id": user.id, "visible_leader_id": user.reports_to_id, "visible_at": now,
            "visible_on": now.date()}


def client_id_visible_to(user: User, client_id: int) -> bool:
    """Python twin of `visibility` for one client id (the thread page's check): the same rule, per object."""
    if user is None or not user.is_authenticated:
        return False
    if user.role in ALL_CLIENTS_ROLES:
        return True
    if user.role == Role.CLIENT.value:
        return client_id == user.id
    coach_id = coach_id_at(client_id)
    if user.role == Role.COACH.value:
        return coach_id is not None and (coach_id == user.id or coach_id in away_teammate_ids(user))
    if user.role == Role.TEAM_LEADER.value:
        if coach_id is None:
            return True
        return db.session.scalar(select(User.reports_to_id).where(User.id == coach_id)) == user.id
    return False


