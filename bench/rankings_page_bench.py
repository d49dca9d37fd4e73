"""Rankings page and CSV benchmark (issue #15): server-side p95 of /rankings and /rankings/<month>.csv.

Usage:
    DATABASE_URL=postgresql://.../<a copy of a generated program> python bench/rankings_page_bench.py \
        [--requests 100] [--recompute] [--write]
The months' rankings are stored first when missing (`--recompute` stores them again). The admin (every
coach) and the team leader with the most coaches then ask for the last complete month's page (pages 1-3,
several sort orders), the default page, the current month's provisional page, and the month's CSV, through
the Flask test client. Targets: page p95 <= 100 ms, CSV p95 <= 200 ms.
--write appends the run to bench/RESULTS.md ("Rankings page and CSV" section).
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

PAGE_MS, CSV_MS = 100, 200


def run(args) -> str:
    app = make_app()
    with app.app_context():
        computed = ensure_rankings(args.recompute)
        counts = scale()
        users = pick_users()
        logins = with_password({"admin": users["admin"], "team_leader": users["team_leader"]})
    clients = signed_in(app, logins)
    last, current = months()
    admin, leader = clients["admin"], clients["team_leader"]
    pages = [f"/rankings?month={last}&page={p}{sort}" for p in (1, 2, 3)
             for sort in ("", "&sort=client_success_rate&dir=desc", "&sort=mean_response_seconds")]
    n = args.requests
    rows = [
        (f"admin: /rankings?month={last}, pages 1-3, 3 sort orders", timed(admin, pages, n), PAGE_MS),
        ("admin: /rankings (the default month)", timed(admin, ["/rankings"], n), PAGE_MS),
        (f"admin: /rankings?month={current} (provisional)", timed(admin, [f"/rankings?month={current}"], n),
         PAGE_MS),
        (f"team leader: /rankings?month={last}", timed(leader, [f"/rankings?month={last}"], n), PAGE_MS),
        (f"admin: /rankings/{last}.csv (every coach)", timed(admin, [f"/rankings/{last}.csv"], n), CSV_MS),
        (f"team leader: /rankings/{last}.csv", timed(leader, [f"/rankings/{last}.csv"], n), CSV_MS),
    ]
    stored = ", ".join(f"{m} computed in {s:.1f} s" if s is not None else f"{m} already stored"
                       for m, s in computed.items())
    lines = [f"PostgreSQL, {counts['coach']} coaches, {counts['client']} clients, {counts['ranking_rows']} stored "
             f"ranking rows ({stored}). Flask test client, {n} requests per line after 5 warm-up requests "
             "per path.", "", *table(rows)]
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
        append_results("Rankings page and CSV", (args.note + "\n\n" if args.note else "") + text)
