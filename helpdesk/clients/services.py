"""Who is whose client, who may see a client, and the facts a coach may see about one."""

from datetime import datetime

from sqlalchemy import select

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import assignment_covers_sql, coach_at
from helpdesk.clients.coverage import visibility
from helpdesk.clients.models import Assignment, CoachRating, SurveyResponse
from helpdesk.extensions import db
from helpdesk.periods import full_months
from helpdesk.types import utcnow


def clients_of(coach: User, at: datetime | None = None):
    """A select of the clients assigned to `coach` at `at` (default now)."""
    return (
        select(User).join(Assignment, Assignment.client_id == User.id)
        .where(Assignment.coach_id == coach.id, assignment_covers_sql(at or utcnow()))
    )


def client_visible_to(user: User, client: User | None) -> bool:
    """Whether `user` may see `client` (and so its threads and facts): the inbox's visibility rule."""
    if client is None or client.role != Role.CLIENT.value or user is None or not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(visible_clients(user).where(User.id == client.id).exists())))


def visible_clients(user: User):
    """A select of the clients `user` may see, for lists. One rule for threads and clients:
    `helpdesk.clients.coverage.visibility` (clients themselves; coaches their clients and those of teammates
    away today; team leaders their team's clients and unassigned ones; auditors, support, admins all)."""
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
    coach = coach_at(client)
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
