"""What the rankings page and API show of a stored snapshot: sorted rows, names, tier thresholds."""

from decimal import Decimal

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.periods import current_month, parse_month
from helpdesk.rankings.export import FIELDS, MONEY_FIELDS, RATE_FIELDS, export_record
from helpdesk.rankings.models import RankingRow, RankingSnapshot
from helpdesk.rankings.ranking import BONUSES, TIERS

COMPUTE_JOB = "workers.rankings.compute_ranking"


def valid_month(month: str | None) -> str:
    """The month, checked; the current month when not given. ValueError if malformed."""
    month = month or current_month()
    parse_month(month)
    return month


def coach_names(rows) -> dict[int, str]:
    ids = {r.coach_id for r in rows}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def api_record(row: RankingRow) -> dict:
    """An export record for JSON: rates as numbers (not strings), money as strings with two decimals."""
    record = export_record(row)
    for field in RATE_FIELDS:
        if isinstance(record[field], Decimal):
            record[field] = float(record[field])
    return record


def tier_thresholds(rows) -> list[dict]:
    """For each bonus: its pool and the weakest metric value still in top and in middle."""
    out = []
    for b in BONUSES:
        pool = [(getattr(r, b.metric), getattr(r, b.tier), r) for r in rows if getattr(r, b.tier) is not None]
        edges = {}
        for name in TIERS:
            values = [v for v, t, _ in pool if t == name]
            if values:
                edges[name] = min(values) if b.higher else max(values)
        out.append({"title": b.title, "metric": b.metric, "tier": b.tier, "higher": b.higher, "kind": b.kind,
                    "pool": pool, "edges": edges})
    return out


def job_visible_to(user, job: OutboxJob | None) -> bool:
    """A job's status is for whoever requested it, and admins."""
    return job is not None and (user.role == "admin" or job.requested_by_id == user.id)


__all__ = ["FIELDS", "MONEY_FIELDS", "RATE_FIELDS", "RankingSnapshot"]
