"""Response clocks: first response and resolution per ticket, the 24 h first-response warning, monthly medians."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import aliased

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.notifications.scans import open_window, read_due
from helpdesk.notifications.services import notify_many
from helpdesk.tickets.models import Ticket
from helpdesk.types import utcnow

# A warning looks back this far past the deadline, so loading old history does not flood the bell.
LOOKBACK = timedelta(days=7)


def first_response_limit() -> timedelta:
    """TICKET_FIRST_RESPONSE_HOURS (24 h unless set)."""
    return timedelta(hours=current_app.config.get("TICKET_FIRST_RESPONSE_HOURS", 24))


def overdue_condition(now: datetime):
    """SQL: the ticket has had no first response and was filed longer ago than the limit (and is not closed)."""
    return and_(Ticket.first_response_at.is_(None), Ticket.status.notin_(("resolved", "closed")),
                Ticket.created_at < now - first_response_limit())


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    """The same rule as overdue_condition, for one ticket in hand."""
    now = now or utcnow()
    return (ticket.first_response_at is None and ticket.status not in ("resolved", "closed")
            and ticket.created_at < now - first_response_limit())


def first_response_time(ticket: Ticket) -> timedelta | None:
    """From filing to the first reply to the coach."""
    return ticket.first_response_at - ticket.created_at if ticket.first_response_at else None


def resolution_time(ticket: Ticket) -> timedelta | None:
    """From filing to (the latest) resolution."""
    return ticket.resolved_at - ticket.created_at if ticket.resolved_at else None


def warn_first_response(now: datetime | None = None) -> int:
    """Tell the team leader (and the assignee) of each ticket past the first-response limit, once per ticket
    and person: the notification's unique (user, kind, dedupe key) makes a second run send nothing. A run
    reads only the tickets whose limit passed since the last run, or filed since
    (`helpdesk.notifications.scans`), and stores its notifications in one statement."""
    now = now or utcnow()
    limit = first_response_limit()
    reporter = aliased(User)
    window = open_window("ticket_first_response", now, LOOKBACK, Ticket.id)
    branches = [select(Ticket.id, Ticket.assignee_id, reporter.reports_to_id)
                .join(reporter, reporter.id == Ticket.reporter_id).where(overdue_condition(now), condition)
                for condition in window.newly_due(Ticket.created_at, limit, Ticket.id)]
    rows = read_due(branches, "id")
    hours = f"{limit.total_seconds() / 3600:g}"
    return notify_many([
        {"user_id": user_id, "kind": "ticket_first_response", "link": f"/tickets/{ticket_id}",
         "text": f"Ticket #{ticket_id} has had no first response for over {hours} h.",
         "dedupe_key": f"ticket:{ticket_id}"}
        for ticket_id, assignee_id, leader_id in rows
        for user_id in sorted(set(filter(None, (leader_id, assignee_id))))])


def _seconds_between(later, earlier):
    """SQL: seconds from `earlier` to `later`, on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _month(column):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _monthly_median(tickets, end_column):
    """SQL: per month of filing, the median seconds from filing to `end_column` (window functions, so the
    same statement runs on both databases)."""
    seconds = _seconds_between(end_column, tickets.c.created_at).label("s")
    month = _month(tickets.c.created_at).label("month")
    ranked = (select(month, seconds,
                     func.row_number().over(partition_by=month, order_by=seconds).label("rn"),
                     func.count().over(partition_by=month).label("n"))
              .where(end_column.is_not(None)).subquery())
    middle = (ranked.c.rn * 2 >= ranked.c.n) & (ranked.c.rn * 2 <= ranked.c.n + 2)
    return dict(db.session.execute(
        select(ranked.c.month, func.avg(ranked.c.s)).where(middle).group_by(ranked.c.month)).all())


def monthly_medians(visible_stmt) -> list[dict]:
    """Median first response and resolution (hours) per month of filing, newest month first, over the tickets
    of `visible_stmt` (a select of Ticket)."""
    tickets = visible_stmt.with_only_columns(
        Ticket.id, Ticket.created_at, Ticket.first_response_at, Ticket.resolved_at).subquery()
    first = _monthly_median(tickets, tickets.c.first_response_at)
    resolution = _monthly_median(tickets, tickets.c.resolved_at)
    counts = dict(db.session.execute(
        select(_month(tickets.c.created_at), func.count()).group_by(literal_column("1"))).all())
    return [{"month": m, "tickets": counts[m],
             "first_response_hours": round(float(first[m]) / 3600, 1) if first.get(m) is not None else None,
             "resolution_hours": round(float(resolution[m]) / 3600, 1) if resolution.get(m) is not None else None}
            for m in sorted(counts, reverse=True)]
