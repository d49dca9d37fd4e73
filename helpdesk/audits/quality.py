"""Live Communication Quality for the current month (metrics.md section 4, as of now)."""

from datetime import datetime

from helpdesk.periods import current_month
from helpdesk.rankings.metrics import communication_quality_counts
from helpdesk.types import utcnow


def live_quality(coaches, now: datetime | None = None) -> list[dict]:
    """For each coach: replies answered this month, standing Yellows on them, and the figure (None if
    nothing answered), exactly as the monthly ranking computes them with T = now."""
    now = now or utcnow()
    counts = communication_quality_counts(current_month(now), now, [c.id for c in coaches])
    rows = []
    for coach in coaches:
        answered, ni = counts.get(coach.id, (0, 0))
        rows.append({"coach": coach, "answered": answered, "needs_improvement": ni,
                     "quality": (1 - ni / answered) if answered else None})
    return rows
