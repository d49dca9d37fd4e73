"""What the rankings benches share: the app on a generated program, its stored rankings, signed-in clients.

Used by `standing_bench.py` and `rankings_page_bench.py`. DATABASE_URL must name a PostgreSQL database holding
`helpdesk generate` (a scratch copy: the benches store the months' rankings when missing and give three
users a password). Nothing here is timed except the requests themselves.
"""

import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import User  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.periods import current_month, previous_month  # noqa: E402

PASSWORD = "bench password 123"


def make_app():
    if not os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        sys.exit("DATABASE_URL must name a PostgreSQL database holding `helpdesk generate` (a scratch copy)")
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return app


def months() -> tuple[str, str]:
    """(the last complete month, the current month)."""
    now = datetime.now(UTC)
    return previous_month(now), current_month(now)


def ensure_rankings(recompute: bool = False) -> dict[str, float | None]:
    """Store each bench month's ranking when none is stored (or always, with `recompute`): as the monthly and
    hourly jobs would. Returns the seconds each computation took (None: already stored)."""
    from helpdesk.rankings.snapshot import compute_snapshot, current_snapshot

    taken = {}
    for month in months():
        if current_snapshot(month) is not None and not recompute:
            taken[month] = None
            continue
        start = time.perf_counter()
        compute_snapshot(month)
        db.session.commit()
        taken[month] = time.perf_counter() - start
    return taken


def pick_users() -> dict[str, User]:
    """The admin, the team leader with the most coaches, and a coach in the last complete month's ranking."""
    from helpdesk.rankings.models import RankingRow
    from helpdesk.rankings.snapshot import current_snapshot

    admin = db.session.scalars(select(User).where(User.role == "admin").order_by(User.id).limit(1)).one()
    team = (select(User.reports_to_id, func.count().label("n")).where(User.role == "coach")
            .group_by(User.reports_to_id).order_by(func.count().desc(), User.reports_to_id).limit(1)).subquery()
    leader = db.session.scalars(select(User).join(team, team.c.reports_to_id == User.id)).one()
    snapshot = current_snapshot(months()[0])
    ids = list(db.session.scalars(select(RankingRow.coach_id).where(RankingRow.snapshot_id == snapshot.id)
                                  .order_by(RankingRow.coach_id)))
    coach = db.session.get(User, ids[len(ids) // 2])
    return {"admin": admin, "team_leader": leader, "coach": coach}


def with_password(users: dict[str, User]) -> dict[str, str]:
    """Give each user the bench password (the generated users have none); their logins by role."""
    from helpdesk.auth.services import set_password

    for user in users.values():
        set_password(user, PASSWORD)
    logins = {role: user.external_id for role, user in users.items()}
    db.session.commit()
    return logins


def signed_in(app, logins: dict[str, str]) -> dict:
    """A test client signed in with each login. Outside any app context: a request run inside one would
    share its `g` (and flask-login's user) with the next."""
    clients = {}
    for role, login in logins.items():
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        clients[role] = client
    return clients


def scale() -> dict:
    from helpdesk.rankings.models import RankingRow

    count = {role: db.session.scalar(select(func.count()).select_from(User).where(User.role == role))
             for role in ("coach", "client", "team_leader")}
    count["ranking_rows"] = db.session.scalar(select(func.count()).select_from(RankingRow))
    return count


def p95(samples):
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def timed(client, paths: list[str], requests: int, warm_up: int = 5) -> dict:
    """GET the paths in turn `requests` times (after `warm_up` each); p95, median (ms) and the largest body."""
    for path in paths:
        for _ in range(warm_up):
            assert client.get(path).status_code == 200, path
    samples, size = [], 0
    for i in range(requests):
        path = paths[i % len(paths)]
        start = time.perf_counter()
        response = client.get(path)
        body = response.get_data()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = max(size, len(body))
    return {"p95": p95(samples), "median": statistics.median(samples), "bytes": size, "requests": requests}


def table(rows: list[tuple[str, dict, float]]) -> list[str]:
    lines = ["| request | p95 ms | median ms | largest body | target | met |", "|---|---|---|---|---|---|"]
    for name, figures, target in rows:
        met = "yes" if figures["p95"] <= target else "no"
        lines.append(f"| {name} | {figures['p95']:.1f} | {figures['median']:.1f} | "
                     f"{figures['bytes'] / 1024:.0f} KB | ≤ {target:g} ms | {met} |")
    return lines


def append_results(title: str, text: str) -> None:
    """Append a run to bench/RESULTS.md under `## title` (created at the end when missing)."""
    path = ROOT / "bench" / "RESULTS.md"
    existing = path.read_text()
    run = f"\n### Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (2 shared cores)\n\n{text}\n"
    header = f"## {title}\n"
    start = existing.find(header)
    if start == -1:
        path.write_text(existing.rstrip() + f"\n\n{header}{run}")
        return
    end = existing.find("\n## ", start + len(header))
    end = len(existing) if end == -1 else end
    path.write_text(existing[:end].rstrip() + "\n" + run + existing[end:])
