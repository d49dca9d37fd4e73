"""The figures of metrics.md for one month as of T: each section one SQL aggregate, joined per coach."""

from datetime import datetime

from flask import current_app
from sqlalchemy import select, text

from helpdesk.audits.quality import communication_quality_counts, communication_quality_query
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.periods import as_utc, parse_month
from helpdesk.rankings.client_metrics import client_happiness_sums, client_success_sums, compensation_sums
from helpdesk.rankings.ranking import rank_coaches, round9, to_cents
from helpdesk.rankings.response_metrics import coaches_assigned, moderation_counts, response_samples

__all__ = ["communication_quality_counts", "communication_quality_query", "month_figures", "ranked_rows"]

# compensation_sums is in money units (1/10,000) times rate units (1/10,000).
_COMPENSATION_EXPONENT = 8

# For the rest of the ranking's transaction on PostgreSQL: each of its few aggregates reads a month of a large
# table once. JIT compiling them cost 0.3-0.6 s each for no gain, and the hash joins of a month's goals or
# waits spill to disk at the default 4 MB. bench/ranking_floor.sql runs with the same settings.
RANKING_SESSION_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'")


def _tune_session() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        for statement in RANKING_SESSION_SETTINGS:
            db.session.execute(text(statement))


def month_figures(month: str, as_of: datetime) -> dict[int, dict]:
    """coach id -> every unranked figure of section 10 for the coaches the export lists."""
    start, end = parse_month(month)
    as_of = as_utc(as_of)
    _tune_session()
    quality = communication_quality_counts(month, as_of)
    samples = response_samples(start, end, as_of)
    success = client_success_sums(start, end, as_of)
    happiness = client_happiness_sums(start, end, as_of)
    money = compensation_sums(start, end, as_of)
    moderation = moderation_counts(start, end, as_of)
    listed = coaches_assigned(start, end, as_of) | set(quality) | set(samples) | set(moderation)
    coaches = db.session.execute(
        select(User.id, User.external_id, User.moderation_trained).where(User.id.in_(listed), User.role == "coach")
    ).all() if listed else []
    figures = {}
    for coach_id, external_id, trained in coaches:
        answered, ni = quality.get(coach_id, (0, 0))
        sample = samples.get(coach_id)
        success_total, success_hits = success.get(coach_id, (0, 0))
        happy_total, promoters, detractors = happiness.get(coach_id, (0, 0, 0))
        moderated, overturned = moderation.get(coach_id, (0, 0))
        figures[coach_id] = {
            "month": month, "coach": external_id, "coach_id": coach_id,
            "answered": answered, "needs_improvement": ni,
            "communication_quality": round9(answered - ni, answered) if answered else None,
            "samples": sample["samples"] if sample else 0, "breaches": sample["breaches"] if sample else 0,
            "met_target": sample["met_target"] if sample else 0,
            "mean_response_seconds": round9(sample["total_us"], sample["samples"] * 10**6) if sample else None,
            "client_success_rate": round9(success_hits, success_total) if success_total else None,
            "success_weight_total": success_total, "success_weight_hits": success_hits,
            "happiness_weight_total": happy_total, "happiness_promoters": promoters,
            "happiness_detractors": detractors,
            "client_happiness": round9(100 * (promoters - detractors), happy_total) if happy_total else None,
            "moderated": moderated, "approved_later_rejected": overturned,
            "moderation_accuracy": round9(moderated - overturned, moderated) if moderated else None,
            "moderation_trained": bool(trained),
            "base_compensation": to_cents(money.get((coach_id, "profit"), 0), _COMPENSATION_EXPONENT),
            "ad_credit_compensation": to_cents(money.get((coach_id, "ad_credit"), 0), _COMPENSATION_EXPONENT),
        }
    return figures


def ranked_rows(month: str, as_of: datetime) -> list[dict]:
    """Every field of section 10 for the month as of T, one dict per listed coach, sorted by external id."""
    ranked = rank_coaches(month_figures(month, as_of), current_app.config)
    return sorted(ranked.values(), key=lambda row: row["coach"])
