"""What the platform knows of a client: coach assignments, daily goals, surveys, ratings, profits."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import Money, UTCDateTime, utcnow


class Assignment(db.Model):
    """A client's coach over [starts_at, ends_at); ends_at None means still assigned."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_client_starts", "client_id", "starts_at"),
        Index("ix_assignments_coach_starts", "coach_id", "starts_at"),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="interval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=True)

    client = relationship("User", foreign_keys=[client_id])
    coach = relationship("User", foreign_keys=[coach_id])


class DailyGoal(db.Model):
    __tablename__ = "daily_goals"
    __table_args__ = (
        UniqueConstraint("client_id", "date", name="uq_daily_goals_client_date"),
        # The monthly ranking reads one month's goals of every client: by date, from the index alone.
        Index("ix_daily_goals_date_client_hit", "date", "client_id", "hit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    date = mapped_column(db.Date, nullable=False)
    hit: Mapped[bool] = mapped_column()


class SurveyResponse(db.Model):
    """The monthly 0-10 "how likely are you to recommend the platform" answer."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score"),
        Index("ix_survey_responses_at", "at"),
        Index("ix_survey_responses_client_at", "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at = mapped_column(UTCDateTime, nullable=False)
    score: Mapped[int] = mapped_column()


class CoachRating(db.Model):
    """A client's current 1-5 star rating of a coach; one per client-coach pair."""

    __tablename__ = "coach_ratings"
    __table_args__ = (
        UniqueConstraint("client_id", "coach_id", name="uq_coach_ratings_client_coach"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stars: Mapped[int] = mapped_column()
    comment: Mapped[str | None] = mapped_column(db.Text)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ProfitRecord(db.Model):
    __tablename__ = "profit_records"
    __table_args__ = (
        CheckConstraint("kind IN ('profit','ad_credit')", name="kind"),
        Index("ix_profit_records_date_kind", "date", "kind"),
        Index("ix_profit_records_client_date", "client_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    date = mapped_column(db.Date, nullable=False)
    amount = mapped_column(Money, nullable=False)
    kind: Mapped[str] = mapped_column(String(12))
    created_at = mapped_column(UTCDateTime, default=utcnow)


class Vacation(db.Model):
    """A coach away from `starts_on` to `ends_on`, both days included."""

    __tablename__ = "vacations"
    __table_args__ = (
        Index("ix_vacations_coach_starts", "coach_id", "starts_on"),
        CheckConstraint("ends_on >= starts_on", name="interval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on = mapped_column(db.Date, nullable=False)
    ends_on = mapped_column(db.Date, nullable=False)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    coach = relationship("User")
