"""Who is whose client, who may see a client, and the facts a coach may see about one."""

from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.models import Assignment, CoachRating, SurveyResponse, Vacation
from helpdesk.extensions import db
from helpdesk.types import utcnow

# Roles that see every client.
ALL_CLIENTS_ROLES = (Role.AUDITOR.value, Role.SUPPORT.value, Role.ADMIN.value)


def full_months(a: date, b: date) -> int:
    """Whole months from `a` to `b` (metrics.md section 2)."""
    return (b.year - a.year) * 12 + (b.month - a.month) - (1 if b.day < a.day else 0)


def covers(at: datetime):
    """SQL condition: the assignment covers instant `at` ([starts_at, ends_at))."""
    return and_(Assignment.starts_at <= at, or_(Assignment.ends_at.is_(None), Assignment.ends_at > at))


def current_assignment(client: User, at: datetime | None = None) -> Assignment | None:
    """The client's assignment covering `at` (default now), or None."""
    return db.session.scalar(
        select(Assignment).where(Assignment.client_id == client.id, covers(at or utcnow()))
        .order_by(Assignment.starts_at.desc()).limit(1)
    )


def current_coach(client: User, at: datetime | None = None) -> User | None:
    """The coach whose assignment covers `at` (default now): metrics.md `coach_at`."""
    assignment = current_assignment(client, at)
    return assignment.coach if assignment else None


def clients_of(coach: User, at: datetime | None = None):
    """A select of the clients assigned to `coach` at `at` (default now)."""
    return (
        select(User).join(Assignment, Assignment.client_id == User.id)
        .where(Assignment.coach_id == coach.id, covers(at or utcnow()))
    )


def away_teammate_ids(coach: User, on: date | None = None):
    """A select of the ids of coaches of the same team leader who are on vacation on `on` (default today)."""
    on = on or utcnow().date()
    if coach.reports_to_id is None:
        return select(User.id).where(False)
    return (
        select(User.id).join(Vacation, Vacation.coach_id == User.id)
        .where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id, User.id != coach.id,
               Vacation.starts_on <= on, Vacation.ends_on >= on)
    )


def client_visible_to(user: User, client: User | None) -> bool:
    """Whether `user` may see `client` (and so its threads and facts)."""
    if client is None or client.role != Role.CLIENT.value or not user.is_authenticated:
        return False
    if user.role == Role.CLIENT.value:
        return user.id == client.id
    if user.role in ALL_CLIENTS_ROLES:
        return True
    now = utcnow()
    assignment = current_assignment(client, now)
    if user.role == Role.TEAM_LEADER.value:
        return assignment is None or assignment.coach.reports_to_id == user.id
    if user.role == Role.COACH.value and assignment is not None:
        if assignment.coach_id == user.id:
            return True
        return assignment.coach_id in db.session.scalars(away_teammate_ids(user, now.date())).all()
    return False


def visible_clients(user: User):
    """A select of the clients `user` may see, for lists (the same rule as client_visible_to)."""
    now = utcnow()
    stmt = select(User).where(User.role == Role.CLIENT.value)
    if user.role in ALL_CLIENTS_ROLES:
        return stmt
    if user.role == Role.CLIENT.value:
        return stmt.where(User.id == user.id)
    current = select(Assignment.coach_id).where(Assignment.client_id == User.id, covers(now)).correlate(User)
    if user.role == Role.TEAM_LEADER.value:
        team = select(User.id).where(User.reports_to_id == user.id).scalar_subquery()
        has_coach = exists(select(Assignment.id).where(Assignment.client_id == User.id, covers(now)).correlate(User))
        return stmt.where(or_(~has_coach, exists(current.where(Assignment.coach_id.in_(team)))))
    if user.role == Role.COACH.value:
        coaches = [user.id, *db.session.scalars(away_teammate_ids(user, now.date())).all()]
        return stmt.where(exists(current.where(Assignment.coach_id.in_(coaches))))
    return stmt.where(False)


def display_money(value):
    """An amount as text without rounding: two places, or all four when it has them."""
    if value is None:
        return None
    cents = value.quantize(type(value)("0.01"))
    return f"{cents}" if cents == value else f"{value.normalize():f}"


def client_facts(viewer: User, client: User) -> dict | None:
    """What a coach may see about a client (and nothing else personal); None if `viewer` may not see them."""
    if not client_visible_to(viewer, client):
        return None
    today = utcnow().date()
    coach = current_coach(client)
    rating = None
    if coach is not None:
        rating = db.session.scalar(
            select(CoachRating).where(CoachRating.client_id == client.id, CoachRating.coach_id == coach.id)
        )
    survey = db.session.scalar(
        select(SurveyResponse).where(SurveyResponse.client_id == client.id)
        .order_by(SurveyResponse.at.desc(), SurveyResponse.id.desc()).limit(1)
    )
    visible = bool(client.balance_visible_to_coach)
    return {
        "id": client.id,
        "name": client.name,
        "joined_on": client.joined_on,
        "tenure_months": full_months(client.joined_on, today) if client.joined_on else None,
        "coach": {"id": coach.id, "name": coach.name} if coach else None,
        "rating": {"stars": rating.stars, "comment": rating.comment, "updated_at": rating.updated_at} if rating else None,
        "last_survey": {"score": survey.score, "at": survey.at} if survey else None,
        "balance_visible": visible,
        "balance": client.balance if visible else None,
    }
