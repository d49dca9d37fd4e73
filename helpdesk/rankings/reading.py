"""Reading a month's stored ranking: who may see which rows, and the snapshot read in one statement.

Who may see a ranking row (#11 item 2): an admin every row, a team leader the rows of the coaches who report
to them, a coach their own row, nobody else any. `rows_visible_to` is the rule in SQL (every page, CSV and API
list filters with it); `row_visible_to` is its Python twin for one row (a test keeps them in agreement).

Why one statement (#10 item 12): a recompute writes the new snapshot's rows, deletes the month's old snapshot
and commits. A reader that first looked up the current snapshot and then, in a second query, its rows could
run between the two and find the rows gone (an empty ranking). `read_ranking` finds the current snapshot,
its metadata, the page of visible rows and their total in ONE SELECT, so it sees one committed state: the
old snapshot or the new one, never nothing and never a mix.
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, func, select, true
from sqlalchemy.orm import aliased

from helpdesk.api_pages import PageNumbers
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.rankings.export import FIELDS
from helpdesk.rankings.models import RankingRow, RankingSnapshot

SORTABLE = tuple(f for f in FIELDS if f != "month")


def rows_visible_to(user):
    """SQL condition on RankingRow: the rows `user` may see (admin all, team leader their team, coach own)."""
    if user.role == "admin":
        return true()
    if user.role == "team_leader":
        return RankingRow.coach_id.in_(select(User.id).where(User.reports_to_id == user.id))
    if user.role == "coach":
        return RankingRow.coach_id == user.id
    return false()


def row_visible_to(user, row: RankingRow) -> bool:
    """Python twin of rows_visible_to for one row."""
    if user.role == "admin":
        return True
    if user.role == "team_leader":
        coach = db.session.get(User, row.coach_id)
        return coach is not None and coach.reports_to_id == user.id
    return user.role == "coach" and row.coach_id == user.id


PER_PAGE = 100
# What the page's charts need of every visible row (not only the page's): metrics, tiers, the coach.
CHART_COLUMNS = ("coach", "mean_response_seconds", "client_success_rate", "client_success_tier", "client_happiness",
                 "client_happiness_tier", "fast_responder_tier", "moderation_accuracy", "moderation_tier")


@dataclass
class Ranking(PageNumbers):
    """One read of a month's complete snapshot: its metadata, the rows asked for and how many are visible.

    `page`/`pages`/`has_prev`/`next_num`... are the pager's (templates/_pager.html) when read a page at a time."""

    snapshot: RankingSnapshot
    rows: list[RankingRow]
    total: int
    page: int = 1
    per_page: int | None = None


def read_ranking(month: str, viewer=None, sort: str = "coach", descending: bool = False,
                 page: int = 1, per_page: int | None = None) -> Ranking | None:
    """The month's complete ranking as `viewer` may see it, ordered by one export column (nones last, then
    by coach), one page of it when `per_page` is given; None when none is stored.

    `viewer=None` is the whole ranking, for the operator's command line and for computations that need every
    coach's figures (My standing); a route always passes the signed-in user.
    """
    visible = true() if viewer is None else rows_visible_to(viewer)
    current = (select(RankingSnapshot.id)
               .where(RankingSnapshot.month == month, RankingSnapshot.status == "complete")
               .order_by(RankingSnapshot.id.desc()).limit(1).scalar_subquery())
    column = getattr(RankingRow, sort if sort in SORTABLE else "coach")
    order = (column.is_(None), column.desc() if descending else column.asc(), RankingRow.coach)
    numbered = (select(RankingRow, func.row_number().over(order_by=order).label("position"))
                .where(RankingRow.snapshot_id == current, visible).subquery())
    row = aliased(RankingRow, numbered)
    joined = row.snapshot_id == RankingSnapshot.id
    if per_page:
        first = (page - 1) * per_page
        joined = and_(joined, numbered.c.position > first, numbered.c.position <= first + per_page)
    total = (select(func.count()).select_from(RankingRow)
             .where(RankingRow.snapshot_id == RankingSnapshot.id, visible).correlate(RankingSnapshot)
             .scalar_subquery())
    result = db.session.execute(
        select(RankingSnapshot, row, total.label("total")).outerjoin(row, joined)
        .where(RankingSnapshot.id == current).order_by(numbered.c.position)).all()
    if not result:
        return None
    snapshot, _, count = result[0]
    return Ranking(snapshot=snapshot, rows=[r for _, r, _ in result if r is not None], total=count, page=page,
                   per_page=per_page)


def chart_rows(snapshot_id: int, viewer) -> list:
    """CHART_COLUMNS of every row of snapshot `snapshot_id` that `viewer` may see (lightweight rows).

    Pinned to the snapshot the page was read from: if a recompute removed it meanwhile this is empty, and
    the caller reads again rather than draw one snapshot's charts under another's table."""
    columns = [getattr(RankingRow, name) for name in CHART_COLUMNS]
    return db.session.execute(
        select(*columns).where(RankingRow.snapshot_id == snapshot_id, rows_visible_to(viewer))
        .order_by(RankingRow.coach)).all()
