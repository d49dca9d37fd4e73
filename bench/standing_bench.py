"""My standing benchmark (issue #15): server-side p95 of a coach's /standing page at program scale.

Usage:
    DATABASE_URL=postgresql://.../<a copy of a generated program> python bench/standing_bench.py \
        [--requests 100] [--recompute] [--write]
The months' rankings are stored first when missing (as the monthly and hourly jobs would; `--recompute`
stores them again). Then one coach of the last complete month's ranking asks for that month's standing and
for the current month's (provisional), through the Flask test client. Target: p95 <= 100 ms.
--write appends the run to bench/RESULTS.md ("My standing" section).
"""

import argparse

from rankings_setup import (
    append_results,
    ensure_rankings,
    make_app,
    months,
    pick_users,
    scale,
    signed_in,
    table,
    timed,
    with_password,
)

TARGET_MS = 100


def run(args) -> str:
    app = make_app()
    with app.app_context():
        computed = ensure_rankings(args.recompute)
        users = pick_users()
        counts = scale()
        logins = with_password({"coach": users["coach"]})
    clients = signed_in(app, logins)
    last, current = months()
    coach = clients["coach"]
    rows = [(f"/standing?month={last} (final)", timed(coach, [f"/standing?month={last}"], args.requests), TARGET_MS),
            (f"/standing (current month {current}, provisional)", timed(coach, ["/standing"], args.requests),
             TARGET_MS)]
    stored = ", ".join(f"{m} computed in {s:.1f} s" if s is not None else f"{m} already stored"
                       for m, s in computed.items())
    lines = [f"PostgreSQL, {counts['coach']} coaches, {counts['client']} clients, {counts['ranking_rows']} stored "
             f"ranking rows ({stored}). Flask test client, {args.requests} requests per page after 5 warm-up "
             "requests, one coach.", "", *table(rows)]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--recompute", action="store_true", help="store the months' rankings again first")
    parser.add_argument("--note", default="", help="a line put above the figures in RESULTS.md")
    parser.add_argument("--write", action="store_true", help="append the run to bench/RESULTS.md")
    args = parser.parse_args()
    text = run(args)
    print(text)
    if args.write:
        append_results("My standing", (args.note + "\n\n" if args.note else "") + text)
