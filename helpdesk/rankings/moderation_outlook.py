"""The Moderation bonus tier a moderator's month would reach, read against the month's stored ranking.

The moderation accuracy page (helpdesk.moderation) shows it beside each moderator's live figures. The
rankings import moderation (for section 9's counts), not the other way round, so this module registers
itself with `moderation.accuracy.register_tier_outlook` when the rankings package loads.
"""

from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.moderation.accuracy import register_tier_outlook
from helpdesk.rankings.models import RankingRow
from helpdesk.rankings.ranking import pool_tiers
from helpdesk.rankings.snapshot import current_snapshot


def tier_outlooks(month: str, figures: dict[int, tuple[int, Decimal | None]]) -> dict:
    """{"as_of", "pool", "outlooks": {moderator id -> (tier or None, why)}} for `figures` (moderator id ->
    (moderated, accuracy)), or None when the month has no stored ranking yet.

    Each moderator's live accuracy is ranked among the accuracies of the stored snapshot's moderation pool
    (metrics.md section 9: trained coaches with at least MODERATION_MIN_DECISIONS decisions), their own
    stored figure replaced by the live one, and tiered by section 7's thirds (rankings.ranking.pool_tiers)."""
    snapshot = current_snapshot(month)
    if snapshot is None:
        return None
    pool = dict(db.session.execute(
        select(RankingRow.coach_id, RankingRow.moderation_accuracy)
        .where(RankingRow.snapshot_id == snapshot.id, RankingRow.moderation_tier.is_not(None))).all())
    trained = set(db.session.scalars(select(User.id).where(
        User.id.in_(list(figures)), User.role == Role.COACH.value, User.moderation_trained.is_(True))))
    minimum = int(current_app.config["MODERATION_MIN_DECISIONS"])
    outlooks = {}
    for moderator_id, (moderated, accuracy) in figures.items():
        if moderator_id not in trained:
            outlooks[moderator_id] = (None, "no moderation bonus: only coaches trained for moderation have one")
        elif moderated < minimum or accuracy is None:
            more = minimum - moderated
            outlooks[moderator_id] = (None, f"{more} more decision{'s' if more != 1 else ''} to join the pool")
        else:
            values = {**pool, moderator_id: accuracy}
            tier = pool_tiers(values, set(values))[moderator_id]
            outlooks[moderator_id] = (tier, f"{tier} of {len(values)} in the pool")
    return {"as_of": snapshot.as_of, "provisional": snapshot.provisional, "pool": len(pool),
            "outlooks": outlooks}


register_tier_outlook(tier_outlooks)
