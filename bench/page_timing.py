"""What the page benchmarks share: an app on the program in DATABASE_URL, a signed-in test client, timed GETs.

The benches of this kind read a generated program (`helpdesk generate`, or a copy of one) and never drop it.
Each figure is server-side: the Flask test client calls the app in-process, so the time is the app's and the
database's, with no network or gunicorn in between. Statements per request are counted too, with a SQLAlchemy
event listener, so an N+1 shows as a number that grows with the page.
"""

import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpdesk import create_app  # noqa: E402
from helpdesk.extensions import db  # noqa: E402

PASSWORD = "bench password 123"
MACHINE = "2 shared cores"


def bench_app():
    """The app on DATABASE_URL (PostgreSQL: these benches measure it), CSRF and rate limits off."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database holding a generated program (helpdesk generate).")
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})


def signed_in(app, user_id: int):
    """A test client signed in as `user_id` through the login form (its password is set for the bench)."""
    from helpdesk.auth.models import User
    from helpdesk.auth.services import set_password

    with app.app_context():
        user = db.session.get(User, user_id)
        set_password(user, PASSWORD)
        db.session.commit()
        login = user.external_id
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": PASSWORD})
    assert response.status_code == 302, (response.status_code, response.get_data(as_text=True)[:300])
    return client


@contextmanager
def counted_statements(app):
    """Counts the SQL statements sent while the block runs: yields a list that grows by one per statement."""
    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94] if len(samples) > 1 else samples[0]


def time_page(app, client, path: str, requests: int, warmup: int = 10, check=None) -> dict:
    """GET `path` `warmup` times, then `requests` times: p95 and median in ms, statements per request, bytes."""
    for _ in range(warmup):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    if check is not None:
        check(response.get_data(as_text=True))
    with counted_statements(app) as statements:
        client.get(path)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return {"path": path, "p95_ms": p95(samples), "median_ms": statistics.median(samples),
            "statements": len(statements), "bytes": len(response.get_data())}


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {MACHINE}"


def table(rows: list[dict], target_ms: float) -> str:
    """A markdown table of time_page results against a p95 target."""
    lines = ["| page | p95 ms | median ms | statements | KB | target met |", "|---|---|---|---|---|---|"]
    for row in rows:
        target = row.get("target_ms", target_ms)
        met = "(no target)" if target is None else ("yes" if row["p95_ms"] <= target else "no")
        lines.append(f"| {row['name']} `{row['path']}` | {row['p95_ms']:.1f} | {row['median_ms']:.1f} | "
                     f"{row['statements']} | {row['bytes'] / 1024:.0f} | {met} |")
    return "\n".join(lines)


def append_results(title: str, text: str) -> None:
    """Append a dated section to bench/RESULTS.md."""
    path = ROOT / "bench" / "RESULTS.md"
    existing = path.read_text() if path.exists() else "# Benchmark results\n"
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}"
    path.write_text(existing.rstrip() + f"\n\n## {title}\n\n{stamp}.\n\n{text.rstrip()}\n")
