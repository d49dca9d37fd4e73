"""SLA page benchmark: server-side p95 of /sla for a team leader (a whole month, this month, one coach).

Usage:
    DATABASE_URL=postgresql://.../a_generated_program python bench/sla_page_bench.py [--requests 200] [--write]
The database must hold a program made by `helpdesk generate` (use a copy: the bench sets the team leader's
password). Issue #15's row: "SLA page, a month, team leader: p95 <= 100 ms". --write appends the figures to
bench/RESULTS.md.
"""

import argparse
from datetime import timedelta

from page_timing import append_results, bench_app, signed_in, table, time_page
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.sla.models import ResponseWait
from helpdesk.types import utcnow

TARGET_MS = 100


def program(app) -> dict:
    """The team leader with the most coaches (lowest id among equals), their team, and the program's size."""
    with app.app_context():
        leader_id, team = db.session.execute(
            select(User.reports_to_id, func.count()).where(User.role == "coach", User.reports_to_id.is_not(None))
            .group_by(User.reports_to_id).order_by(func.count().desc(), User.reports_to_id).limit(1)).one()
        coach = db.session.scalar(select(User.external_id).where(User.reports_to_id == leader_id)
                                  .order_by(User.id).limit(1))
        coaches = db.session.scalar(select(func.count()).select_from(User).where(User.role == "coach"))
        waits = db.session.scalar(select(func.count()).select_from(ResponseWait))
    return {"leader_id": leader_id, "team": team, "coach": coach, "coaches": coaches, "waits": waits}


def run(requests: int) -> dict:
    app = bench_app()
    facts = program(app)
    client = signed_in(app, facts["leader_id"])
    last_month_end = utcnow().date().replace(day=1) - timedelta(days=1)
    month = f"from={last_month_end.replace(day=1).isoformat()}&to={last_month_end.isoformat()}"
    pages = [("a month, team leader", f"/sla?{month}", TARGET_MS),
             ("this month, team leader", "/sla", TARGET_MS),
             ("a month, one coach", f"/sla?{month}&coach={facts['coach']}", TARGET_MS)]
    rows = []
    for name, path, target in pages:
        def has_team(html):
            assert "<table" in html and html.count("<tr") >= 2, html[:500]

        rows.append({"name": name, "target_ms": target, **time_page(app, client, path, requests, check=has_team)})
    return {**facts, "rows": rows, "requests": requests, "month": last_month_end.strftime("%Y-%m")}


def report(result: dict) -> str:
    head = (f"{result['coaches']:,} coaches, {result['waits']:,} response waits; the team leader leads "
            f"{result['team']} coaches; month {result['month']}. Flask test client, {result['requests']} requests "
            f"per page after 10 warm-up requests. Target: p95 <= {TARGET_MS} ms.")
    return head + "\n\n" + table(result["rows"], TARGET_MS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--label", default="", help="said in the section title, e.g. 'before' or 'after'")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    text = report(run(args.requests))
    print(text)
    if args.write:
        append_results(f"SLA page (bench/sla_page_bench.py){' ' + args.label if args.label else ''}", text)
