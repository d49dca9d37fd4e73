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

from sqlalchemy import BigInteger, and_, false, func, select, true, type_coerce

from helpdesk.api_pages import PageNumbers
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.rankings.export import FIELDS, MONEY_FIELDS, RATE_FIELDS
from helpdesk.rankings.models import RankingCut, RankingRow, RankingSnapshot

# What a page may sort by: any export column, and the four bonuses' total (the page's Bonuses column).
SORT_EXPRESSIONS = {f: getattr(RankingRow, f) for f in FIELDS if f != "month"} | {
    "bonus_total": RankingRow.bonus_client_success + RankingRow.bonus_client_happiness
    + RankingRow.bonus_fast_responder + RankingRow.bonus_moderation}
SORTABLE = tuple(SORT_EXPRESSIONS)


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
    """The month's complete ranking as `viewer` may see it, ordered by one SORTABLE column (nones last, then
    by coach), one page of it when `per_page` is given; None when none is stored.

    `viewer=None` is the whole ranking, for the operator's command line and for computations that need every
    coach's figures (My standing); a route always passes the signed-in user.
    """
    visible = true() if viewer is None else rows_visible_to(viewer)
    current = (select(RankingSnapshot.id)
               .where(RankingSnapshot.month == month, RankingSnapshot.status == "complete")
               .order_by(RankingSnapshot.id.desc()).limit(1).scalar_subquery())
    column = SORT_EXPRESSIONS.get(sort, RankingRow.coach)
    order = (column.is_(None), column.desc() if descending else column.asc(), RankingRow.coach)
    # Only the ids go through the sort (narrow rows); the page's rows are joined back by id.
    numbered = (select(RankingRow.id, RankingRow.snapshot_id, func.row_number().over(order_by=order).label("position"))
                .where(RankingRow.snapshot_id == current, visible).subquery())
    joined = numbered.c.snapshot_id == RankingSnapshot.id
    if per_page:
        first = (page - 1) * per_page
        joined = and_(joined, numbered.c.position > first, numbered.c.position <= first + per_page)
    # Not correlated: PostgreSQL counts once (an InitPlan), where a subquery correlated to the snapshot was
    # counted again for every row of the page (50 x 5,000 rows, and a plan costly enough to be JIT-compiled).
    total = (select(func.count()).select_from(RankingRow)
             .where(RankingRow.snapshot_id == current, visible).scalar_subquery())
    result = db.session.execute(
        select(RankingSnapshot, RankingRow, total.label("total")).outerjoin(numbered, joined)
        .outerjoin(RankingRow, RankingRow.id == numbered.c.id)
        .where(RankingSnapshot.id == current).order_by(numbered.c.position)).all()
    if not result:
        return None
    snapshot, _, count = result[0]
    return Ranking(snapshot=snapshot, rows=[r for _, r, _ in result if r is not None], total=count, page=page,
                   per_page=per_page)


@dataclass
class OwnRow:
    """One read of a month's complete snapshot for one coach: the snapshot, the coach's row (None: the coach
    has none) and the snapshot's stored cuts (rankings/cuts.py; empty for a snapshot stored before them)."""

    snapshot: RankingSnapshot
    row: RankingRow | None
    cuts: list[RankingCut]


def read_own_row(month: str, coach_id: int) -> OwnRow | None:
    """The month's complete snapshot, `coach_id`'s row of it and its cuts, in ONE statement (see the module
    docstring); None when none is stored. Reads one row, whatever the number of coaches."""
    current = (select(RankingSnapshot.id)
               .where(RankingSnapshot.month == month, RankingSnapshot.status == "complete")
               .order_by(RankingSnapshot.id.desc()).limit(1).scalar_subquery())
    result = db.session.execute(
        select(RankingSnapshot, RankingRow, RankingCut)
        .outerjoin(RankingRow, and_(RankingRow.snapshot_id == RankingSnapshot.id, RankingRow.coach_id == coach_id))
        .outerjoin(RankingCut, RankingCut.snapshot_id == RankingSnapshot.id)
        .where(RankingSnapshot.id == current).order_by(RankingCut.id)).all()
    if not result:
        return None
    snapshot, row, _ = result[0]
    return OwnRow(snapshot=snapshot, row=row, cuts=[cut for _, _, cut in result if cut is not None])


def _stored(field: str):
    column = getattr(RankingRow, field)
    return type_coerce(column, BigInteger) if field in MONEY_FIELDS or field in RATE_FIELDS else column


def read_raw_rows(month: str, viewer) -> list[tuple] | None:
    """FIELDS of every row of the month's complete snapshot that `viewer` may see, by coach, as stored (rates
    and money as their integers, for export.raw_to_csv), in ONE statement; None when none is stored."""
    current = (select(RankingSnapshot.id)
               .where(RankingSnapshot.month == month, RankingSnapshot.status == "complete")
               .order_by(RankingSnapshot.id.desc()).limit(1).scalar_subquery())
    result = db.session.execute(
        select(RankingSnapshot.id, *(_stored(f) for f in FIELDS))
        .outerjoin(RankingRow, and_(RankingRow.snapshot_id == RankingSnapshot.id, rows_visible_to(viewer)))
        .where(RankingSnapshot.id == current).order_by(RankingRow.coach)).all()
    if not result:
        return None
    return [row[1:] for row in result if row[2] is not None]  # row[2]: coach (none: no visible row)
