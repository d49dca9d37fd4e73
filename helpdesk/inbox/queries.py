"""Inbox lists: the views (Waiting, Unread, Breached, All), their counts, rows with excerpts, and badges."""

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Integer, and_, bindparam, func, or_, select

from helpdesk.api_pages import PageNumbers
from helpdesk.auth.models import User
from helpdesk.clients.coverage import visibility_values
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread, ThreadRead
from helpdesk.inbox.search import search_condition, searches_by_parameter
from helpdesk.inbox.services import visibility
from helpdesk.types import UTCDateTime, utcnow

VIEWS = ("all", "waiting", "unread", "breached")
EXCERPT_LENGTH = 140  # characters of the last message a list row shows


def _hours(name: str) -> int:
    return int(current_app.config[name])


@dataclass(frozen=True)
class Wait:
    """An open wait (metrics.md section 3) as the badge shows it."""

    since: datetime
    seconds: int
    state: str  # calm (meets the target), amber (past target), red (breached)

    @property
    def label(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min"


def wait_limits() -> tuple[int, int]:
    """Seconds a wait stays calm (TARGET_HOURS) and seconds before it is breached (SLA_HOURS)."""
    return _hours("TARGET_HOURS") * 3600, _hours("SLA_HOURS") * 3600


def wait_state(waiting_since: datetime | None, now: datetime | None = None,
               limits: tuple[int, int] | None = None) -> Wait | None:
    """The badge for a wait: at most TARGET_HOURS calm, up to SLA_HOURS amber, longer red; None if no wait.
    A list passes `limits` (wait_limits()) read once for all its rows."""
    if waiting_since is None:
        return None
    now = now or utcnow()
    seconds = max(0, int((now - waiting_since).total_seconds()))
    target, sla = limits or wait_limits()
    if seconds <= target:
        state = "calm"
    elif seconds <= sla:
        state = "amber"
    else:
        state = "red"
    return Wait(waiting_since, seconds, state)


def _reader(user: User):
    # Named, so a statement built once (see _built_once) is run with each reader's own id.
    return bindparam("reader_id", user.id, type_=Integer())


def _read_join(user: User):
    return and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == _reader(user))


def unread_condition():
    """Thread has activity the user has not read (needs the outer join on the user's ThreadRead)."""
    return and_(Thread.last_message_at.is_not(None),
                or_(ThreadRead.read_at.is_(None), ThreadRead.read_at < Thread.last_message_at))


def _breached_before(now: datetime) -> datetime:
    return now - timedelta(hours=_hours("SLA_HOURS"))


def breached_condition(now: datetime):
    return Thread.waiting_since < bindparam("breached_before", _breached_before(now), type_=UTCDateTime())


def _filtered(user: User, client_id: int | None, q: str | None, visible=None):
    visible = visible or visibility(user)
    stmt = (select(Thread).where(visible(Thread.client_id))
            .outerjoin(ThreadRead, _read_join(user)))
    if client_id:
        stmt = stmt.where(Thread.client_id == bindparam("client_id", client_id, type_=Integer()))
    if q:
        stmt = stmt.where(search_condition(q))
    return stmt


def inbox_select(user: User, view: str = "all", client_id: int | None = None, q: str | None = None,
                 now: datetime | None = None, visible=None):
    """The threads of one inbox view, in its order: Waiting oldest wait first, the others newest activity first."""
    now = now or utcnow()
    stmt = _filtered(user, client_id, q, visible)
    if view == "waiting":
        return stmt.where(Thread.waiting_since.is_not(None)).order_by(Thread.waiting_since, Thread.id)
    if view == "breached":
        return stmt.where(breached_condition(now)).order_by(Thread.waiting_since, Thread.id)
    if view == "unread":
        stmt = stmt.where(unread_condition())
    newest = func.coalesce(Thread.last_message_at, Thread.created_at)
    return stmt.order_by(newest.desc(), Thread.id.desc())


def _count_columns(now: datetime):
    return (func.count(Thread.id),
            func.count(Thread.id).filter(Thread.waiting_since.is_not(None)),
            func.count(Thread.id).filter(unread_condition()),
            func.count(Thread.id).filter(breached_condition(now)))


def view_counts(user: User, client_id: int | None = None, q: str | None = None,
                now: datetime | None = None, visible=None) -> dict[str, int]:
    """How many threads each view holds, in one aggregate query (a search's built once on PostgreSQL)."""
    now = now or utcnow()
    q = (q or "").strip()
    if q and visible is None and searches_by_parameter():
        kind, more = _variant("counts", client_id, q)
        total, waiting, unread, breached = _core_execute(_built_once(kind, user.role), _values(user, now, **more)).one()
    else:
        total, waiting, unread, breached = db.session.execute(
            _filtered(user, client_id, q, visible).with_only_columns(*_count_columns(now))).one()
    return {"all": total, "waiting": waiting, "unread": unread, "breached": breached}


@dataclass(frozen=True)
class ClientOption:
    """A client in the inbox's client filter, with how many of their threads wait for an answer."""

    id: int
    name: str
    waiting: int


def inbox_summary(user: User, client_id: int | None = None, q: str | None = None, now: datetime | None = None,
                  visible=None, max_clients: int = 500) -> tuple[dict[str, int], list[ClientOption]]:
    """The view counts and the client filter's options (by name) of one inbox page.

    One aggregate query per client gives both: the counts are its sums (over the filtered client only,
    if there is one). A search needs its own count query, since the options list every client."""
    now = now or utcnow()
    per_client = _core_execute(_built_once("per_client", user.role), _values(user, now)).all()
    # The first `max_clients` by name, and always the client filtered on.
    options = [ClientOption(cid, name, waiting) for i, (cid, name, _, waiting, _, _) in enumerate(per_client)
               if i < max_clients or cid == client_id]
    if q:
        return view_counts(user, client_id, q, now, visible), options
    sums = [0, 0, 0, 0]
    for row in per_client:
        if client_id is None or row[0] == client_id:
            for i in range(4):
                sums[i] += row[2 + i]
    return dict(zip(("all", "waiting", "unread", "breached"), sums, strict=True)), options


def _per_client_select(user: User, now: datetime, visible=None):
    return (_filtered(user, None, None, visible or visibility(user, now)).join(User, User.id == Thread.client_id)
            .with_only_columns(Thread.client_id, User.name, *_count_columns(now))
            .group_by(Thread.client_id, User.name).order_by(User.name, Thread.client_id))


# What a list row shows of its thread. The page's statement reads these columns, not the Thread entity: no
# identity map, no instance state, fewer columns described per page (issue #15).
LISTED_COLUMNS = (Thread.id, Thread.subject, Thread.created_at, Thread.last_message_at, Thread.waiting_since)


def _page_rows_select(user: User, now: datetime, view: str, client_id: int | None, q: str | None = None):
    return (inbox_select(user, view, client_id, q, now, visibility(user, now))
            .with_only_columns(*LISTED_COLUMNS, *_row_columns(user))
            .limit(bindparam("page_size", type_=Integer())).offset(bindparam("page_offset", type_=Integer())))


# A made-up query for building the search statements; the real one is the parameter "q".
_STAND_IN_QUERY = "stand-in query"


def _search_counts_select(user: User, now: datetime, client_id: int | None):
    return _filtered(user, client_id, _STAND_IN_QUERY, visibility(user, now)).with_only_columns(*_count_columns(now))

_BUILDERS = {
    "per_client": lambda user, now: _per_client_select(user, now),
    "rows": lambda user, now, view: _page_rows_select(user, now, view, None),
    "client_rows": lambda user, now, view: _page_rows_select(user, now, view, user.client_filter),
    # Search (PostgreSQL only: searches_by_parameter), the query a parameter like the user's values.
    "search_counts": lambda user, now: _search_counts_select(user, now, None),
    "client_search_counts": lambda user, now: _search_counts_select(user, now, user.client_filter),
    "search_rows": lambda user, now, view: _page_rows_select(user, now, view, None, _STAND_IN_QUERY),
    "client_search_rows": lambda user, now, view: _page_rows_select(user, now, view, user.client_filter,
                                                                    _STAND_IN_QUERY),
}


def _variant(base: str, client_id: int | None, q: str | None) -> tuple[str, dict]:
    """The _BUILDERS kind of `base` ("rows", "counts") with the client filter and search as asked, and the
    values those add to _values."""
    kind = ("client_" if client_id else "") + ("search_" if q else "") + base
    return kind, {**({"client_id": client_id} if client_id else {}), **({"q": q} if q else {})}


def _values(user: User, now: datetime, **more) -> dict:
    """The named parameters of a statement from _built_once for `user` at `now`."""
    return {**visibility_values(user, now), "reader_id": user.id, "breached_before": _breached_before(now), **more}


@dataclass(frozen=True)
class _StandIn:
    """A made-up user of a role, to build a statement whose user values are all parameters."""

    role: str
    id: int
    reports_to_id: int
    client_filter: int


@functools.lru_cache(maxsize=128)
def _built_once(kind: str, role: str, *args):
    """The inbox statement `kind` for users of `role`, built once per process (issue #15): building it and
    its cache key again for every page was a third of its CPU. Every user value in it is a named parameter
    (_values); to prove it, it is built for two different made-up users, and the two must compile to the
    same SQL with the same values apart from those parameters. So one user's ids can never stay in a
    statement another user runs."""
    build = _BUILDERS[kind]
    first = build(_StandIn(role, -1, -2, -3), _STAND_IN_TIMES[0], *args)
    other = build(_StandIn(role, -4, -5, -6), _STAND_IN_TIMES[1], *args).compile()
    compiled = first.compile()
    named = {*_values(_StandIn(role, 0, 0, 0), _STAND_IN_TIMES[0]), "client_id", "q"}
    if str(compiled) != str(other) or (
            {k: v for k, v in compiled.params.items() if k not in named}
            != {k: v for k, v in other.params.items() if k not in named}):
        raise RuntimeError(f"inbox statement {kind!r} for {role!r} keeps a user's value outside its parameters")
    return first


_STAND_IN_TIMES = (datetime(2001, 1, 1, tzinfo=UTC), datetime(2002, 2, 2, 2, tzinfo=UTC))


def _core_execute(stmt, values: dict):
    """Run a statement of plain columns on the session's connection (same transaction, same snapshot rules):
    its rows need none of the ORM's statement wrapping and result setup."""
    return db.session.connection().execute(stmt, values)


@dataclass
class Row:
    thread: Thread  # or, from inbox_page, a row of LISTED_COLUMNS (the same attribute names)
    client_name: str
    excerpt: str
    unread: bool
    wait: Wait | None


def _shorten(body: str | None, length: int) -> str:
    body = " ".join((body or "").split())
    return body if len(body) <= length else body[: length - 1] + "…"


def _row(thread: Thread, client_name, body, read_at, now: datetime, excerpt_len: int, limits) -> Row:
    return Row(thread=thread, client_name=client_name or "", excerpt=_shorten(body, excerpt_len),
               unread=thread.last_message_at is not None and (read_at is None or read_at < thread.last_message_at),
               wait=wait_state(thread.waiting_since, now, limits))


def _row_columns(user: User):
    """Per-thread columns of a list row, as correlated subqueries evaluated only for the page's rows."""
    # Correlated to Thread only: the list may already join ThreadRead or User for its own filters.
    client_name = select(User.name).where(User.id == Thread.client_id).correlate(Thread).scalar_subquery()
    last_body = (select(Message.body).where(Message.thread_id == Thread.id).correlate(Thread)
                 .order_by(Message.sent_at.desc(), Message.id.desc()).limit(1).scalar_subquery())
    read_at = (select(ThreadRead.read_at).where(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == _reader(user))
               .correlate(Thread).scalar_subquery())
    return client_name.label("client_name"), last_body.label("last_body"), read_at.label("my_read_at")


def paginate_rows(stmt, page: int, user: User, total: int | None = None, now: datetime | None = None,
                  excerpt_len: int = EXCERPT_LENGTH) -> tuple["Page", list[Row]]:
    """One page of a `select(Thread)` list and its rows (client, excerpt, unread, badge), in one query."""
    now = now or utcnow()
    per_page = current_app.config["INBOX_PAGE_SIZE"]
    page = max(page, 1)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.add_columns(*_row_columns(user)).limit(per_page).offset((page - 1) * per_page))
    limits = wait_limits()
    rows = [_row(thread, name, body, read_at, now, excerpt_len, limits) for thread, name, body, read_at in result]
    return Page([r.thread for r in rows], page, per_page, total), rows


def inbox_page(user: User, view: str, client_id: int | None, q: str | None, page: int, total: int,
               now: datetime) -> tuple["Page", list[Row]]:
    """One page of an inbox view's rows, as paginate_rows(inbox_select(...)) gives it, from a statement built
    once per role and view (a search's too on PostgreSQL, where the query is a parameter)."""
    q = (q or "").strip()
    if q and not searches_by_parameter():
        return paginate_rows(inbox_select(user, view, client_id, q, now), page, user, total=total, now=now)
    per_page = current_app.config["INBOX_PAGE_SIZE"]
    page = max(page, 1)
    kind, more = _variant("rows", client_id, q)
    result = _core_execute(_built_once(kind, user.role, view),
                           _values(user, now, page_size=per_page, page_offset=(page - 1) * per_page, **more))
    n = len(LISTED_COLUMNS)
    limits = wait_limits()
    rows = [_row(row, *row[n:], now, EXCERPT_LENGTH, limits) for row in result]
    return Page([r.thread for r in rows], page, per_page, total), rows


@dataclass
class Page(PageNumbers):
    """One page of a list (the shape templates use: items, page, pages, total, has_prev/next, prev/next_num)."""

    items: list
    page: int
    per_page: int
    total: int
