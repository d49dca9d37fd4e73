"""What a client tells the desk: the coach rating, the monthly survey, and consent to show the balance."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from helpdesk.auth.models import Role, User
from helpdesk.clients.coach_at import coach_at
from helpdesk.clients.models import CoachRating, SurveyResponse
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.types import utcnow

SURVEY_QUESTION = "How likely are you to recommend the platform?"


class Refused(Refusal):
    """A request that conflicts with what is stored (HTTP 409); the message says why."""

    def __init__(self, message: str):
        super().__init__(409, message)


def _require_client(client: User) -> None:
    if client.role != Role.CLIENT.value:
        raise PermissionError("only clients give ratings, survey answers and consent")


def _lock(client: User) -> None:
    """Serialise a client's writes (PostgreSQL row lock; SQLite writes are serialised already)."""
    db.session.execute(select(User.id).where(User.id == client.id).with_for_update())


def current_rating(client: User) -> tuple[User | None, CoachRating | None]:
    """The client's current coach and the rating the client gave them, if any."""
    coach = coach_at(client)
    if coach is None:
        return None, None
    rating = db.session.scalar(
        select(CoachRating).where(CoachRating.client_id == client.id, CoachRating.coach_id == coach.id)
    )
    return coach, rating


def rate_coach(client: User, stars: int, comment: str | None = None) -> tuple[CoachRating, bool]:
    """Set the client's rating of their current coach; return (rating, created). One per client-coach pair."""
    _require_client(client)
    if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
        raise ValueError("stars must be a whole number from 1 to 5")
    comment = (comment or "").strip() or None
    coach, rating = current_rating(client)
    if coach is None:
        raise Refused("You have no coach yet, so there is no one to rate.")
    if rating is not None:
        rating.stars, rating.comment, rating.updated_at = stars, comment, utcnow()
        db.session.flush()
        return rating, False
    rating = CoachRating(client_id=client.id, coach_id=coach.id, stars=stars, comment=comment, updated_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:  # rated at the same moment from another tab: keep one row, updated
        rating = db.session.scalar(
            select(CoachRating).where(CoachRating.client_id == client.id, CoachRating.coach_id == coach.id)
        )
        rating.stars, rating.comment, rating.updated_at = stars, comment, utcnow()
        db.session.flush()
        return rating, False
    return rating, True


def month_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The calendar month (UTC) holding `at`, as [start, end)."""
    at = at.astimezone(UTC)
    start = datetime(at.year, at.month, 1, tzinfo=UTC)
    end = datetime(at.year + (at.month == 12), at.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def survey_answer_this_month(client: User, at: datetime | None = None) -> SurveyResponse | None:
    """The client's survey answer in the calendar month of `at` (default now), if any."""
    start, end = month_bounds(at or utcnow())
    return db.session.scalar(
        select(SurveyResponse).where(SurveyResponse.client_id == client.id, SurveyResponse.at >= start,
                                     SurveyResponse.at < end).limit(1)
    )


def answer_survey(client: User, score: int, at: datetime | None = None) -> SurveyResponse:
    """Store the client's 0-10 answer; refused if they already answered in this calendar month (UTC)."""
    _require_client(client)
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
        raise ValueError("score must be a whole number from 0 to 10")
    at = at or utcnow()
    _lock(client)
    earlier = survey_answer_this_month(client, at)
    if earlier is not None:
        next_start = month_bounds(at)[1]
        raise Refused(
            f"You already answered this month's survey on {earlier.at:%Y-%m-%d} (score {earlier.score}). "
            f"The next one opens on {next_start:%Y-%m-%d}."
        )
    response = SurveyResponse(client_id=client.id, score=score, at=at)
    db.session.add(response)
    db.session.flush()
    return response


def set_balance_consent(client: User, granted: bool) -> User:
    """Grant or revoke the coach's view of the client's balance; effective on the coach's next request."""
    _require_client(client)
    client.balance_visible_to_coach = bool(granted)
    db.session.flush()
    return client
