"""Who is whose client, who may see a client, and the facts a coach may see about one."""

from datetime import datetime

from sqlalchemy import and_, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.models import Assignment, CoachRating, SurveyResponse
from helpdesk.extensions import db
from helpdesk.periods import full_months
from helpdesk.types import utcnow


def covers(at: datetime):
    """SQL condition: the assignment covers instant `at` ([starts_at, ends_at))."""
    return and_(Assignment.starts_at <= at, or_(Assignment.ends_at.is_(None), Assignment.ends_at > at))


def coach_id_at(client_id, at: datetime):
    """Scalar subquery: the id of the coach whose assignment of `client_id` (a value or a column) covers `at`."""
    return (select(Assignment.coach_id).where(Assignment.client_id == client_id, covers(at))
            .order_by(Assignment.starts_at.desc()).limit(1).scalar_subquery())


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


def client_visible_to(user: User, client: User | None) -> bool:
    """Whether `user` may see `client` (and so its threads and facts): the inbox's visibility rule."""
    if client is None or client.role != Role.CLIENT.value or user is None or not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(visible_clients(user).where(User.id == client.id).exists())))


def visible_clients(user: User):
    """A select of the clients `user` may see, for lists. One rule for threads and clients:
    `helpdesk.inbox.services.visibility` (clients themselves; coaches their clients and those of teammates
    away today; team leaders their team's clients and unassigned ones; auditors, support, admins all)."""
    from helpdesk.inbox.services import visibility

    return select(User).where(User.role == Role.CLIENT.value, visibility(user)(User.id))


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
