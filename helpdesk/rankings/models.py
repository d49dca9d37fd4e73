"""Stored monthly rankings: a snapshot per computation, the month's complete one is what exports show."""

from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from helpdesk.extensions import db
from helpdesk.types import Money, UTCDateTime, utcnow

METRIC_SCALE = 10**9


class Metric(TypeDecorator):
    """A metric already rounded to 9 decimal places, stored exactly as an integer of 1e-9 units."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        scaled = Decimal(value).scaleb(9)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"metric {value} has more than nine decimal places")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-9)


class RankingSnapshot(db.Model):
    """One computation of a month's ranking as of T. Only a `complete` snapshot is ever shown;
    a `building` one is a computation in progress (or one that died, cleaned up by the next)."""

    __tablename__ = "ranking_snapshots"
    __table_args__ = (
        CheckConstraint("status IN ('building','complete')", name="status"),
        Index("ix_ranking_snapshots_month_status", "month", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    as_of = mapped_column(UTCDateTime, nullable=False)
    computed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="building")
    # Provisional while T is before the month's end (the hourly job); final afterwards.
    provisional: Mapped[bool] = mapped_column(default=True)

    rows = relationship("RankingRow", back_populates="snapshot", cascade="all, delete-orphan",
                        order_by="RankingRow.coach")
    cuts = relationship("RankingCut", cascade="all, delete-orphan", passive_deletes=True)


class RankingRow(db.Model):
    """One coach's line of the export (metrics.md section 10), plus the coach's user id and met-target count."""

    __tablename__ = "ranking_rows"
    __table_args__ = (Index("ix_ranking_rows_snapshot_coach", "snapshot_id", "coach"),
                      Index("ix_ranking_rows_coach_id", "coach_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ranking_snapshots.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coach: Mapped[str] = mapped_column(String(64))
    answered: Mapped[int] = mapped_column()
    needs_improvement: Mapped[int] = mapped_column()
    communication_quality = mapped_column(Metric, nullable=True)
    cq_rank: Mapped[int | None] = mapped_column()
    eligible: Mapped[bool] = mapped_column()
    samples: Mapped[int] = mapped_column()
    breaches: Mapped[int] = mapped_column()
    met_target: Mapped[int] = mapped_column(default=0)
    mean_response_seconds = mapped_column(Metric, nullable=True)
    fast_responder_rank: Mapped[int | None] = mapped_column()
    fast_responder_tier: Mapped[str | None] = mapped_column(String(6))
    client_success_rate = mapped_column(Metric, nullable=True)
    client_success_tier: Mapped[str | None] = mapped_column(String(6))
    client_happiness = mapped_column(Metric, nullable=True)
    client_happiness_tier: Mapped[str | None] = mapped_column(String(6))
    moderated: Mapped[int] = mapped_column()
    approved_later_rejected: Mapped[int] = mapped_column()
    moderation_accuracy = mapped_column(Metric, nullable=True)
    moderation_tier: Mapped[str | None] = mapped_column(String(6))
    base_compensation = mapped_column(Money, nullable=False)
    ad_credit_compensation = mapped_column(Money, nullable=False)
    bonus_client_success = mapped_column(Money, nullable=False)
    bonus_client_happiness = mapped_column(Money, nullable=False)
    bonus_fast_responder = mapped_column(Money, nullable=False)
    bonus_moderation = mapped_column(Money, nullable=False)
    # The weighted sums behind client_success_rate and client_happiness (sections 5 and 6), stored with the
    # snapshot so that My standing's "what it takes" needs no recomputation; NULL in snapshots stored before.
    success_weight_total = mapped_column(BigInteger, nullable=True)
    success_weight_hits = mapped_column(BigInteger, nullable=True)
    happiness_weight_total = mapped_column(BigInteger, nullable=True)
    happiness_promoters = mapped_column(BigInteger, nullable=True)
    happiness_detractors = mapped_column(BigInteger, nullable=True)

    snapshot = relationship("RankingSnapshot", back_populates="rows")


class RankingCut(db.Model):
    """Where a gate or a tier ends in one snapshot: in the pool of `pool` coaches ranked by `metric`, the worst
    rank that still reaches `reach` ("gate", "top" or "middle") and the weakest value at that rank.

    My standing's "what it takes" is the distance from a coach's own figure to this value (a coach outside
    the cut cannot be among the coaches before it, so leaving them out changes nothing); stored with the
    snapshot so that no request reads the other coaches' rows (#15)."""

    __tablename__ = "ranking_cuts"
    __table_args__ = (UniqueConstraint("snapshot_id", "metric", "reach", name="uq_ranking_cuts_snapshot_metric_reach"),
                      CheckConstraint("reach IN ('gate','top','middle')", name="reach"))

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("ranking_snapshots.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(32))
    reach: Mapped[str] = mapped_column(String(6))
    pool: Mapped[int] = mapped_column()
    rank_limit: Mapped[int] = mapped_column()
    value = mapped_column(Metric, nullable=True)  # None when the pool is empty
