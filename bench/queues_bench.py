"""Work queues benchmark: server-side p95 of the auditors' queue, the moderation queue and the ticket lists.

Usage:
    DATABASE_URL=postgresql://.../a_generated_program python bench/queues_bench.py [--requests 200] [--write]
The database must hold a program made by `helpdesk generate` (use a copy: the bench sets passwords). What the
generator does not make is added first and removed at the end, so the database is left as it was: the
auditors' daily samples of the last `--sample-days` days (by the desk's own `build_sample`, none audited yet),
tickets (four per coach, filed over the program's months, most of them worked on), and an open report on one
approved listing in a hundred. Issue #15's row: "auditors' queue / moderation queue: p95 <= 50 ms"; the ticket
lists have no target of their own (their statements per page must not grow with the page). --write appends the
figures to bench/RESULTS.md.
"""

import argparse
import random
from datetime import timedelta

from page_timing import append_results, bench_app, signed_in, table, time_page
from sqlalchemy import delete, func, insert, select

from helpdesk.audits.models import AuditSample
from helpdesk.audits.queue import build_sample
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.moderation.models import REPORT_REASONS, Listing, ListingReport
from helpdesk.tickets.models import CATEGORIES, PRIORITIES, Ticket
from helpdesk.types import utcnow

TARGET_MS = 50
TICKETS_PER_COACH = 4
UNTARGETED_REQUESTS = 50


def _first(role: str, *where) -> int:
    return db.session.scalar(select(User.id).where(User.role == role, *where).order_by(User.id).limit(1))


def seed(sample_days: int, rng: random.Random) -> None:
    """Add samples, tickets and reports the generator does not make (`unseed` takes them away)."""
    today = utcnow().date()
    for back in range(1, sample_days + 1):
        build_sample(today - timedelta(days=back))
    db.session.commit()
    now = utcnow()
    coaches = list(db.session.execute(select(User.id, User.created_at).where(User.role == "coach")))
    support = list(db.session.scalars(select(User.id).where(User.role == "support")))
    rows = []
    for coach_id, since in coaches:
        for _ in range(TICKETS_PER_COACH):
            filed = since + (now - since) * rng.random()
            status = rng.choices(("new", "triaged", "in_progress", "waiting_on_coach", "resolved", "closed"),
                                 (5, 10, 15, 10, 25, 35))[0]
            worked = status != "new"
            answered = worked and rng.random() < 0.9
            rows.append(dict(
                reporter_id=coach_id, assignee_id=rng.choice(support) if worked and rng.random() < 0.85 else None,
                who="A client", what=f"Payout page shows an error ({rng.randrange(10**6)})", where="Payouts > History",
                when=filed - timedelta(hours=2), status=status, priority=rng.choice(PRIORITIES),
                category=rng.choice(CATEGORIES), created_at=filed, updated_at=filed,
                first_response_at=filed + timedelta(hours=rng.uniform(0.5, 30)) if answered else None,
                resolved_at=filed + timedelta(days=rng.uniform(0.5, 6)) if status in ("resolved", "closed") else None))
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Ticket), rows[start:start + 5000])
    approved = list(db.session.scalars(select(Listing.id).where(Listing.status == "approved").order_by(Listing.id)))
    clients = list(db.session.scalars(select(User.id).where(User.role == "client").order_by(User.id).limit(1000)))
    reported = [dict(listing_id=lid, reporter_id=rng.choice(clients), reason_code=next(iter(REPORT_REASONS)), reason="",
                     is_open=True, created_at=now - timedelta(hours=rng.uniform(1, 200)))
                for lid in approved[::100]]
    if reported:
        db.session.execute(insert(ListingReport), reported)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE audit_samples, tickets, listing_reports")  # as autovacuum would soon


def unseed(before: dict) -> None:
    """Take away what `seed` added: the rows past the largest ids there were before."""
    db.session.execute(delete(ListingReport).where(ListingReport.id > before["report_max"]))
    db.session.execute(delete(Ticket).where(Ticket.id > before["ticket_max"]))
    db.session.execute(delete(AuditSample).where(AuditSample.id > before["sample_max"]))
    db.session.commit()


def sizes() -> dict:
    count = lambda model, *where: db.session.scalar(select(func.count()).select_from(model).where(*where))  # noqa: E731
    return {"coaches": count(User, User.role == "coach"), "open_samples": count(AuditSample, AuditSample.audit_id.is_(None)),
            "listings": count(Listing), "pending": count(Listing, Listing.status == "pending"),
            "open_reports": count(ListingReport, ListingReport.is_open.is_(True)), "tickets": count(Ticket)}


def run(requests: int, sample_days: int) -> dict:
    app = bench_app()
    with app.app_context():
        before = {"sample_max": db.session.scalar(select(func.max(AuditSample.id))) or 0,
                  "ticket_max": db.session.scalar(select(func.max(Ticket.id))) or 0,
                  "report_max": db.session.scalar(select(func.max(ListingReport.id))) or 0}
        try:
            seed(sample_days, random.Random(15))
        except BaseException:
            db.session.rollback()
            unseed(before)
            raise
        size = sizes()
        auditor, support, admin = _first("auditor"), _first("support"), _first("admin")
        leader = db.session.scalar(select(User.reports_to_id).where(User.role == "coach")
                                   .order_by(User.reports_to_id).limit(1))
        yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    try:
        rows = []
        plan = [(auditor, "auditors' queue", "/audits/queue", TARGET_MS),
                (auditor, "auditors' queue, one day", f"/audits/queue?day={yesterday}", TARGET_MS),
                (admin, "moderation queue (pending)", "/moderation", TARGET_MS),
                (admin, "moderation queue, approved", "/moderation?view=approved", TARGET_MS),
                (admin, "moderation queue, reported", "/moderation?view=reported", TARGET_MS),
                (admin, "review queue", "/moderation/review", None),
                (support, "tickets, support", "/tickets", None),
                (support, "support queue", "/tickets/queue", None),
                (leader, "tickets, team leader", "/tickets", None),
                (leader, "triage, team leader", "/tickets/triage", None)]
        clients = {}
        for user_id, name, path, target in plan:
            if user_id not in clients:
                clients[user_id] = signed_in(app, user_id)
            # Pages without a target of their own get fewer requests: the support queue lists the whole pool.
            n = requests if target is not None else min(requests, UNTARGETED_REQUESTS)
            rows.append({"name": name, "target_ms": target, "requests": n,
                         **time_page(app, clients[user_id], path, n)})
    finally:
        with app.app_context():
            unseed(before)
    return {**size, "rows": rows, "requests": requests, "sample_days": sample_days}


def report(result: dict) -> str:
    head = (f"{result['coaches']:,} coaches; {result['open_samples']:,} open audit samples ({result['sample_days']} "
            f"days of the daily sample); {result['listings']:,} listings ({result['pending']:,} pending, "
            f"{result['open_reports']:,} with an open report); {result['tickets']:,} tickets. Flask test client, "
            f"{result['requests']} requests per page (at most {UNTARGETED_REQUESTS} for those without a target) after 10 "
            f"warm-up requests. Target: p95 <= {TARGET_MS} ms "
            "(auditors' and moderation queues).")
    return head + "\n\n" + table(result["rows"], TARGET_MS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sample-days", type=int, default=7)
    parser.add_argument("--label", default="", help="said in the section title, e.g. 'before' or 'after'")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    text = report(run(args.requests, args.sample_days))
    print(text)
    if args.write:
        append_results(f"Work queues (bench/queues_bench.py){' ' + args.label if args.label else ''}", text)
