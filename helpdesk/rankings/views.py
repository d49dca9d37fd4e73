"""What the rankings page and API show of a stored snapshot: the page's grouped columns in human units, names."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.periods import current_month, parse_month, previous_month
from helpdesk.rankings.export import FIELDS, MONEY_FIELDS, RATE_FIELDS, export_record
from helpdesk.rankings.models import RankingRow, RankingSnapshot
from helpdesk.rankings.ranking import bonus_total

COMPUTE_JOB = "workers.rankings.compute_ranking"


def valid_month(month: str | None) -> str:
    """The month, checked; the current month when not given. ValueError if malformed."""
    month = month or current_month()
    parse_month(month)
    return month


def page_month(month: str | None) -> str:
    """The rankings page's month, checked; the last complete month when not given. ValueError if malformed."""
    return valid_month(month or previous_month())


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


def job_visible_to(user, job: OutboxJob | None) -> bool:
    """A job's status is for whoever requested it, and admins."""
    return job is not None and (user.role == "admin" or job.requested_by_id == user.id)


@dataclass(frozen=True)
class Column:
    """One column of the rankings page: the stored field it shows and sorts by, its header, how it is shown."""

    field: str
    label: str
    kind: str          # count, rank, percent, hours, score, tier, money
    title: str = ""    # the header's longer explanation


# The page's columns by group (#14): every export field but the four bonuses, which show as their total
# (the CSV has each); rates in %, times in hours, money with two decimals.
GROUPS = (
    ("Quality", "Communication Quality (metrics.md section 4); the rank gates every bonus at the top 75 %", (
        Column("answered", "Answers", "count", "client messages answered"),
        Column("needs_improvement", "Needs impr.", "count", "answers left as Needs Improvement (Yellow)"),
        Column("communication_quality", "Quality", "percent", "share of answers not Needs Improvement"),
        Column("cq_rank", "Rank", "rank", "rank by quality; a check mark: eligible for bonuses (top 75 %)"),
    )),
    ("Speed", "Response times (section 3): the 9 h target, the 24 h SLA", (
        Column("samples", "Waits", "count", "client waits answered or still open"),
        Column("breaches", "Over 24 h", "count", "waits past the 24 h SLA"),
        Column("mean_response_seconds", "Mean", "hours", "mean response time, in hours"),
        Column("fast_responder_rank", "Rank", "rank", "rank by mean response time (the Fast Responder gate is "
                                                      "the top 50 %)"),
        Column("fast_responder_tier", "Tier", "tier", "Fast Responder tier"),
    )),
    ("Success", "Client Success (section 5): weighted share of days the clients hit their Daily Goal", (
        Column("client_success_rate", "Rate", "percent", "weighted Daily Goal hit rate"),
        Column("client_success_tier", "Tier", "tier", "Client Success tier"),
    )),
    ("Happiness", "Client Happiness (section 6): a score from -100 to 100", (
        Column("client_happiness", "Score", "score", "-100 (every answer 0-6) to 100 (every answer 9-10)"),
        Column("client_happiness_tier", "Tier", "tier", "Client Happiness tier"),
    )),
    ("Moderation", "Marketplace moderation accuracy (section 9)", (
        Column("moderated", "Decided", "count", "listings decided"),
        Column("approved_later_rejected", "Over\u00adturned", "count", "approvals later rejected"),
        Column("moderation_accuracy", "Accuracy", "percent", "share of decisions not overturned"),
        Column("moderation_tier", "Tier", "tier", "Moderation tier"),
    )),
    ("Money", "Money (section 8), in the program's currency", (
        Column("base_compensation", "Base", "money", "base compensation"),
        Column("ad_credit_compensation", "Ad credit", "money", "ad credit compensation"),
        Column("bonus_total", "Bonuses", "money", "the four bonuses together (each is in the CSV)"),
    )),
)
COLUMNS = tuple(c for _, _, columns in GROUPS for c in columns)


def _shown(column: Column, row: RankingRow) -> tuple[str, str]:
    """(text, CSS class) of one cell."""
    if column.field == "bonus_total":
        return f"{bonus_total(row):.2f}", "num"
    value = getattr(row, column.field)
    if value is None:
        return "–", "muted"
    kind = column.kind
    if kind == "tier":
        return value, f"tier tier-{value}"
    if kind == "percent":
        return f"{value * 100:.2f}%", "num"
    if kind == "hours":
        return f"{value / 3600:.2f} h", "num"
    if kind in ("score", "money"):
        return f"{value:.2f}", "num"
    if column.field == "cq_rank":
        return f"{value} {'✓' if row.eligible else '✗'}", "num"
    return str(value), "num"


def table_rows(rows: list[RankingRow]) -> list[dict]:
    """The page's rows: the coach, their name and each column's (text, class), formatted once in Python."""
    names = coach_names(rows)
    return [{"coach": r.coach, "name": names.get(r.coach_id, ""), "eligible": r.eligible,
             "bonuses": ", ".join(f"{name} {getattr(r, field):.2f}" for name, field in BONUS_PARTS),
             "cells": [_shown(c, r) for c in COLUMNS]} for r in rows]


BONUS_PARTS = (("Client Success", "bonus_client_success"), ("Client Happiness", "bonus_client_happiness"),
               ("Fast Responder", "bonus_fast_responder"), ("Moderation", "bonus_moderation"))

__all__ = ["FIELDS", "MONEY_FIELDS", "RATE_FIELDS", "RankingSnapshot"]
