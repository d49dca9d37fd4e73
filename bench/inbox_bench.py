"""Inbox page benchmark: server-side p95 of /inbox for a coach with 500 threads, in a large desk.

Usage:
    python bench/inbox_bench.py [--scale large|small] [--requests 200] [--write]
    python bench/inbox_bench.py --program [--requests 200] [--write]
DATABASE_URL picks the database. Without --program it must be a scratch database (every table is dropped
and recreated, then seeded with 50,000 threads); without DATABASE_URL a temporary SQLite file is used.
With --program it is a generated program (`helpdesk generate`, e.g. a copy of issue #15's large one), used
as it is: the bench signs in as a real coach of it, the one at the 90th percentile of threads (a busy
coach, not the busiest), after giving that coach a password (so: a copy, never the template).
--write records the result in bench/RESULTS.md ("Inbox" section, one subsection per database kind).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpdesk import create_app  # noqa: E402
from helpdesk.auth.models import User  # noqa: E402
from helpdesk.clients.models import Assignment  # noqa: E402
from helpdesk.extensions import db  # noqa: E402
from helpdesk.inbox.models import Message, Thread, ThreadRead  # noqa: E402

SCALES = {
    # coaches, clients per coach, threads per client, messages per thread; the bench coach has 500 threads.
    "small": dict(coaches=10, clients_per_coach=20, threads_per_client=3, messages_per_thread=3),
    "large": dict(coaches=200, clients_per_coach=50, threads_per_client=5, messages_per_thread=4),
}
TARGET_MS = 25
WORDS = ("payout fee ad platform balance campaign budget invoice refund question thanks please help "
         "account withdrawal bonus learning center option daily goal").split()


def _text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def seed(scale: dict, rng: random.Random) -> int:
    """Fill the database; return the bench coach's id (500 threads over 100 clients)."""
    now = datetime.now(UTC)
    leader = User(role="team_leader", name="Bench Leader", external_id="bench-leader")
    db.session.add(leader)
    db.session.flush()
    coach_rows = [dict(role="coach", name=f"Coach {i}", external_id=f"bench-coach-{i}", reports_to_id=leader.id)
                  for i in range(scale["coaches"])]
    db.session.execute(insert(User), coach_rows)
    coach_ids = list(db.session.scalars(select(User.id).where(User.role == "coach").order_by(User.id)))
    bench_coach = coach_ids[0]
    plan = []  # (coach_id, n_clients, threads_per_client)
    plan.append((bench_coach, 100, 5))
    plan += [(c, scale["clients_per_coach"], scale["threads_per_client"]) for c in coach_ids[1:]]
    n = 0
    for coach_id, n_clients, per_client in plan:
        clients = [dict(role="client", name=f"Client {n + i}", external_id=f"bench-client-{n + i}",
                        joined_on=date(2025, 1, 1)) for i in range(n_clients)]
        n += n_clients
        db.session.execute(insert(User), clients)
        ids = list(db.session.scalars(select(User.id).where(User.role == "client").order_by(User.id.desc())
                                      .limit(n_clients)))
        db.session.execute(insert(Assignment), [dict(client_id=c, coach_id=coach_id,
                                                     starts_at=now - timedelta(days=400)) for c in ids])
        threads, messages = [], []
        for c in ids:
            for _ in range(per_client):
                last = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                waiting = last if rng.random() < 0.3 else None
                threads.append(dict(client_id=c, subject=_text(rng, 5), created_at=last - timedelta(days=1),
                                    last_message_at=last, waiting_since=waiting))
        db.session.execute(insert(Thread), threads)
        rows = db.session.execute(select(Thread.id, Thread.client_id, Thread.last_message_at, Thread.waiting_since)
                                  .where(Thread.client_id.in_(ids))).all()
        for tid, client_id, last, waiting in rows:
            k = scale["messages_per_thread"]
            for j in range(k):
                at = last - timedelta(hours=k - 1 - j)
                author = client_id if (j == k - 1 and waiting) or j % 2 == 0 else coach_id
                messages.append(dict(thread_id=tid, author_id=author, sent_at=at, body=_text(rng, 30)))
        db.session.execute(insert(Message), messages)
        reads = [dict(thread_id=tid, user_id=coach_id, read_at=last) for tid, _, last, _ in rows if rng.random() < 0.6]
        if reads:
            db.session.execute(insert(ThreadRead), reads)
    db.session.commit()
    return bench_coach


def p95(samples):
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


PROGRAM_COACH_SQL = """
WITH per_coach AS (
    SELECT a.coach_id, count(t.id) AS threads, count(DISTINCT a.client_id) AS clients
    FROM assignments a JOIN threads t ON t.client_id = a.client_id
    WHERE a.ends_at IS NULL GROUP BY a.coach_id)
SELECT coach_id, threads, clients FROM per_coach ORDER BY threads, coach_id
OFFSET (SELECT (count(*) * 9) / 10 FROM per_coach) LIMIT 1
"""


def program_coach() -> tuple[int, str]:
    """The generated program's coach at the 90th percentile of threads, and what the report says of them."""
    from sqlalchemy import text

    row = db.session.execute(text(PROGRAM_COACH_SQL)).one()
    return row.coach_id, (f"the coach (a real one of the program, at the 90th percentile of threads) has "
                          f"{row.threads} threads ({row.clients} clients)")


def run(args) -> dict:
    url = os.environ.get("DATABASE_URL")
    if args.program and not (url or "").startswith("postgres"):
        sys.exit("--program needs DATABASE_URL: a copy of a generated program on PostgreSQL")
    if args.program and url.rstrip("/").endswith("_tpl"):
        sys.exit("refusing to write to a template database: copy it (createdb -T) and point at the copy")
    tmp = None
    overrides = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                 "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}}
    if not url:
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp.name}"
    app = create_app(overrides)
    logging_off(app)
    with app.app_context():
        t0 = time.perf_counter()
        if args.program:
            coach_id, coach_text = program_coach()
        else:
            db.drop_all()
            db.create_all()
            coach_id = seed(SCALES[args.scale], random.Random(7))
            coach_text = "the coach has 500 threads (100 clients)"
        seeded = time.perf_counter() - t0
        if db.engine.dialect.name == "postgresql" and not args.program:
            # As a live database is after autovacuum: statistics, and a visibility map for index-only
            # scans. Without it autovacuum may start on the fresh tables in the middle of the timing.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        counts = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                  for m in (User, Thread, Message)}
        coach = db.session.get(User, coach_id)
        from helpdesk.auth.services import set_password

        set_password(coach, "bench password 123")
        db.session.commit()
        external_id = coach.external_id
    client = app.test_client()
    response = client.post("/login", data={"login": external_id, "password": "bench password 123"})
    assert response.status_code == 302, response.status_code
    results = {}
    for view in ("all", "waiting", "unread", "breached"):
        path = f"/inbox?view={view}"
        for _ in range(10):  # warm up
            client.get(path)
        samples = []
        for i in range(args.requests):
            page = 1 + i % 3
            start = time.perf_counter()
            response = client.get(f"{path}&page={page}")
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        results[view] = (p95(samples), statistics.median(samples))
    # Words in most messages (the bench's small vocabulary), and a word in none, which makes the search
    # look at every message of the coach's threads.
    for name, words in (("search", ("payout", "refund", "learning")), ("search-none", ("marzipan",))):
        samples = []
        for word in words:
            for _ in range(args.requests // 10 * 3 // len(words)):
                start = time.perf_counter()
                assert client.get(f"/inbox?q={word}").status_code == 200
                samples.append((time.perf_counter() - start) * 1000)
        results[name] = (p95(samples), statistics.median(samples))
    if tmp:
        os.unlink(tmp.name)
    return {"dialect": "postgresql" if url else "sqlite", "counts": counts, "seed_seconds": seeded,
            "results": results, "scale": "program" if args.program else args.scale, "requests": args.requests,
            "coach": coach_text, "section": "postgresql, generated program" if args.program else None}


def logging_off(app):
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def report(run_result: dict) -> str:
    c = run_result["counts"]
    lines = [
        f"- {run_result['dialect']}, scale `{run_result['scale']}`: {c['users']} users, {c['threads']} threads, "
        f"{c['messages']} messages; {run_result['coach']}. Flask test client, "
        f"{run_result['requests']} requests per view (pages 1-3), after 10 warm-up requests. "
        f"Target: p95 <= {TARGET_MS} ms.",
        "",
        "| page | p95 ms | median ms | target met |",
        "|---|---|---|---|",
    ]
    for view, (p, med) in run_result["results"].items():
        name = {"search": "/inbox?q=… (search, common words)",
                "search-none": "/inbox?q=… (search, a word in no message)"}.get(view, f"/inbox?view={view}")
        met = "yes" if p <= TARGET_MS else "no"  # issue #15: the 4 views and search alike
        lines.append(f"| {name} | {p:.1f} | {med:.1f} | {met} |")
    return "\n".join(lines)


def write_results(run_result: dict, text: str):
    """Put this run under "## Inbox" / "### <dialect>" in bench/RESULTS.md, keeping everything else."""
    path = ROOT / "bench" / "RESULTS.md"
    existing = path.read_text() if path.exists() else "# Benchmark results\n"
    start = existing.find("## Inbox\n")
    end = existing.find("\n## ", start + 1) if start != -1 else -1
    inbox = existing[start:end + 1 if end != -1 else len(existing)] if start != -1 else ""
    subsections = {}
    for block in inbox.split("\n### ")[1:]:
        name, _, body = block.partition("\n")
        subsections[name.strip()] = body.strip()
    subsections[run_result.get("section") or run_result["dialect"]] = f"Run on {datetime.now(UTC):%Y-%m-%d} (2 shared CPU cores).\n\n{text}"
    section = ("## Inbox\n\nServer-side time of the coach inbox page, measured by `bench/inbox_bench.py`.\n\n"
               + "\n\n".join(f"### {k}\n\n{v}" for k, v in sorted(subsections.items())) + "\n")
    if start == -1:
        new = existing.rstrip() + "\n\n" + section
    else:
        new = existing[:start] + section + ("\n" + existing[end + 1:] if end != -1 else "")
    path.write_text(new)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="large")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--program", action="store_true",
                        help="measure the generated program in DATABASE_URL as it is (no seeding)")
    parser.add_argument("--write", action="store_true", help="record the result in bench/RESULTS.md")
    args = parser.parse_args()
    result = run(args)
    text = report(result)
    print(text)
    if args.write:
        write_results(result, text)
