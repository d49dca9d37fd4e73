"""Bounded load test: many signed-in users at once against gunicorn on PostgreSQL + Redis, on loopback.

Clients write to their threads, coaches reply and read their inbox, auditors audit replies, moderators claim
and decide listings, all through the API with bearer tokens. Afterwards every write the server answered
201 is counted in the database: none may be lost or stored twice, and no request may fail (5xx or a broken
connection). A 409 is a refusal the rules allow (two moderators reaching for one listing), not an error.

Usage (a scratch PostgreSQL database: every table is dropped and recreated):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/helpdesk_load REDIS_URL=redis://127.0.0.1:6379/14 \\
        python bench/load_test.py --users 200 --seconds 60 --write
The test suite runs the same code for a few seconds (tests/load/test_load.py).
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Of every 20 users: 10 clients, 6 coaches, 2 auditors, 2 moderators.
MIX = (("client", 10), ("coach", 6), ("auditor", 2), ("moderator", 2))
TARGET_HOST = "127.0.0.1"  # loopback only


@dataclass
class Plan:
    """Who signs in as what: a token and the ids each user works on."""

    users: list[dict] = field(default_factory=list)


def seed(database_url: str, n_users: int) -> Plan:
    """Create a fresh schema and the users of the run, each with an API token and its work."""
    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.auth.services import create_token
    from helpdesk.clients.models import Assignment
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message, Thread
    from helpdesk.moderation.models import Listing

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    plan = Plan()
    counts = {kind: max(1, n_users * share // 20) for kind, share in MIX}
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()
        leader = User(role="team_leader", name="Load Leader", external_id="load-leader")
        db.session.add(leader)
        db.session.flush()
        coaches = [User(role="coach", name=f"Coach {i}", external_id=f"load-coach-{i}", reports_to_id=leader.id,
                        moderation_trained=i < counts["moderator"]) for i in range(max(counts["coach"], counts["moderator"]))]
        db.session.add_all(coaches)
        db.session.flush()
        threads_of_coach: dict[int, list[int]] = {c.id: [] for c in coaches}
        replies: list[int] = []
        for i in range(counts["client"]):
            coach = coaches[i % counts["coach"]]
            client = User(role="client", name=f"Client {i}", external_id=f"load-client-{i}",
                          joined_on=(now - timedelta(days=400)).date())
            db.session.add(client)
            db.session.flush()
            db.session.add(Assignment(client_id=client.id, coach_id=coach.id, starts_at=now - timedelta(days=400)))
            thread = Thread(client_id=client.id, subject=f"Question {i}")
            db.session.add(thread)
            db.session.flush()
            for k in range(6):  # replies for the auditors, spread over the last days
                at = now - timedelta(days=3, hours=k * 2)
                db.session.add(Message(thread_id=thread.id, author_id=client.id, body="How?", sent_at=at))
                reply = Message(thread_id=thread.id, author_id=coach.id, body="Like this.",
                                sent_at=at + timedelta(minutes=30))
                db.session.add(reply)
                db.session.flush()
                replies.append(reply.id)
            threads_of_coach[coach.id].append(thread.id)
            plan.users.append({"kind": "client", "token": create_token(client), "threads": [thread.id]})
        for coach in coaches[:counts["coach"]]:
            plan.users.append({"kind": "coach", "token": create_token(coach), "threads": threads_of_coach[coach.id]})
        for i in range(counts["auditor"]):
            auditor = User(role="auditor", name=f"Auditor {i}", external_id=f"load-auditor-{i}")
            db.session.add(auditor)
            db.session.flush()
            plan.users.append({"kind": "auditor", "token": create_token(auditor), "user_id": auditor.id,
                               "replies": replies})
        sellers = [u for u in db.session.scalars(db.select(User).where(User.role == "client"))]
        listings = []
        for i in range(counts["moderator"] * 60):
            listing = Listing(seller_id=sellers[i % len(sellers)].id, title=f"Item {i}", description="For sale",
                              submitted_at=now - timedelta(hours=1 + i % 20))
            db.session.add(listing)
            listings.append(listing)
        db.session.flush()
        listing_ids = [x.id for x in listings]
        for coach in coaches[:counts["moderator"]]:
            plan.users.append({"kind": "moderator", "token": create_token(coach), "listings": listing_ids})
        db.session.commit()
        db.engine.dispose()
    return plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind((TARGET_HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, redis_url: str | None, workers: int = 4, threads: int = 8):
    """A real gunicorn serving wsgi:app on a spare loopback port; yields the port."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="load-test-secret", HELPDESK_ENV="development",
               PYTHONPATH=str(ROOT))
    if redis_url:
        env["REDIS_URL"] = redis_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--bind", f"{TARGET_HOST}:{port}", "--timeout", "60", "--log-level",
         "warning", "wsgi:app"], cwd=ROOT, env=env)
    with serving(proc, port, answers=workers * 2):  # every worker answers /healthz before the load starts
        yield port


@contextmanager
def serving(proc, port: int, what: str = "gunicorn", answers: int = 1, seconds: float = 60):
    """Wait until `proc` answers /healthz on `port` `answers` times in a row (with several workers, enough
    for each to have answered), then yield; stop it afterwards (terminate, then kill after 20 s)."""
    try:
        deadline = time.monotonic() + seconds
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited")
            try:
                answered = 0
                for _ in range(answers):
                    conn = http.client.HTTPConnection(TARGET_HOST, port, timeout=5)
                    conn.request("GET", "/healthz")
                    answered += conn.getresponse().status == 200
                    conn.close()
                if answered == answers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.3)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class Tally:
    """What happened, counted across threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter = Counter()
        self.created: Counter = Counter()  # kind of write -> 201s
        self.errors: list[str] = []

    def record(self, what: str, status: int | None, seconds: float, error: str | None = None):
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status is not None and status >= 500 or error:
                self.errors.append(f"{what}: {status} {error or ''}".strip())
            if status == 201:
                self.created[what] += 1


def _call(conn_box: list, port: int, token: str, method: str, path: str, body=None):
    payload = json.dumps(body) if body is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for attempt in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(TARGET_HOST, port, timeout=30)
        try:
            conn_box[0].request(method, path, body=payload, headers=headers)
            response = conn_box[0].getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn_box[0].close()
                conn_box[0] = None
            return response.status, data
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # A kept-alive connection the server closed between requests: nothing was sent; open a new one.
            conn_box[0].close()
            conn_box[0] = None
            if attempt:
                raise
    raise RuntimeError("unreachable")


def _user_loop(user: dict, index: int, port: int, stop_at: float, tally: Tally, start: threading.Barrier):
    conn = [None]
    kind, token = user["kind"], user["token"]
    step = 0
    start.wait()
    while time.monotonic() < stop_at:
        step += 1
        if kind == "client":
            what, method, path, body = "client_message", "POST", f"/api/v1/threads/{user['threads'][0]}/messages", {
                "body": f"Client {index} message {step}"}
        elif kind == "coach":
            thread_id = user["threads"][step % len(user["threads"])] if user["threads"] else None
            if step % 2 or thread_id is None:
                what, method, path, body = "inbox", "GET", "/api/v1/threads?view=waiting", None
            else:
                what, method, path, body = "coach_reply", "POST", f"/api/v1/threads/{thread_id}/messages", {
                    "body": f"Coach {index} reply {step}"}
        elif kind == "auditor":
            replies = user["replies"]
            position = (index * 7919 + step) % len(replies)
            what, method, path, body = "audit", "POST", f"/api/v1/messages/{replies[position]}/audits", {
                "color": "green"}
        else:
            listing = user["listings"][(index * 31 + step) % len(user["listings"])]
            t0 = time.monotonic()
            try:
                status, _ = _call(conn, port, token, "POST", f"/api/v1/listings/{listing}/claim", {})
                tally.record("claim", status, time.monotonic() - t0)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
                tally.record("claim", None, time.monotonic() - t0, repr(exc))
                continue
            if status not in (200, 201):
                continue
            what, method, path, body = "decision", "POST", f"/api/v1/listings/{listing}/decisions", {
                "decision": "approve"}
        t0 = time.monotonic()
        try:
            status, _ = _call(conn, port, token, method, path, body)
            tally.record(what, status, time.monotonic() - t0)
        except Exception as exc:  # noqa: BLE001
            tally.record(what, None, time.monotonic() - t0, repr(exc))
    if conn[0] is not None:
        conn[0].close()


def run_load(plan: Plan, port: int, seconds: float) -> Tally:
    """Every user of the plan at once, for `seconds`; returns the tally."""
    tally = Tally()
    start = threading.Barrier(len(plan.users) + 1)
    stop_at = time.monotonic() + seconds + 5  # the barrier releases everyone together, then `seconds` run
    threads = [threading.Thread(target=_user_loop, args=(u, i, port, stop_at, tally, start), daemon=True)
               for i, u in enumerate(plan.users)]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join(timeout=seconds + 60)
    return tally


def stored_counts(database_url: str) -> dict[str, int]:
    """Rows in the database for each kind of write, counted independently of the responses."""
    from sqlalchemy import create_engine, text

    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            "client_message": conn.scalar(text(
                "SELECT count(*) FROM messages m JOIN users u ON u.id = m.author_id "
                "WHERE u.role = 'client' AND m.body LIKE 'Client % message %'")),
            "coach_reply": conn.scalar(text("SELECT count(*) FROM messages WHERE body LIKE 'Coach % reply %'")),
            "audit": conn.scalar(text("SELECT count(*) FROM audits")),
            "decision": conn.scalar(text("SELECT count(*) FROM moderation_decisions")),
            "duplicate_bodies": conn.scalar(text(
                "SELECT count(*) FROM (SELECT body FROM messages WHERE body LIKE 'C% % %' "
                "GROUP BY thread_id, body HAVING count(*) > 1) d")),
        }
    engine.dispose()
    return counts


def summarize(tally: Tally, seconds: float) -> dict:
    lat = sorted(tally.latencies)
    p95 = lat[int(len(lat) * 0.95) - 1] * 1000 if lat else 0.0
    return {"requests": len(lat), "per_second": len(lat) / seconds if seconds else 0.0,
            "p50_ms": statistics.median(lat) * 1000 if lat else 0.0, "p95_ms": p95,
            "statuses": dict(sorted((str(k), v) for k, v in tally.statuses.items())),
            "created": dict(tally.created), "errors": len(tally.errors)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write", action="store_true", help="append the result to bench/RESULTS.md")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a scratch PostgreSQL database")
    plan = seed(database_url, args.users)
    with gunicorn(database_url, os.environ.get("REDIS_URL")) as port:
        tally = run_load(plan, port, args.seconds)
    result = summarize(tally, args.seconds)
    stored = stored_counts(database_url)
    print(json.dumps({"result": result, "stored": stored, "first_errors": tally.errors[:10]}, indent=2))
    lost = {k: result["created"].get(k, 0) - stored[k] for k in ("client_message", "coach_reply", "audit", "decision")}
    if args.write:
        line = (f"| {datetime.now(UTC):%Y-%m-%d} | {os.uname().nodename} | {len(plan.users)} users, {args.seconds:.0f} s | "
                f"{result['requests']} | {result['per_second']:.0f} | {result['p50_ms']:.0f} | {result['p95_ms']:.0f} | "
                f"{result['errors']} | {sum(abs(v) for v in lost.values())} | {stored['duplicate_bodies']} |\n")
        path = ROOT / "bench" / "RESULTS.md"
        text = path.read_text()
        header = "## Load: many users at once (bench/load_test.py)"
        if header not in text:
            text += (f"\n{header}\n\ngunicorn (4 gthread workers x 8 threads) on PostgreSQL + Redis, loopback; clients "
                     "write, coaches reply and read the inbox, auditors audit, moderators claim and decide.\n\n"
                     "| date | machine | load | requests | req/s | p50 ms | p95 ms | errors | lost or extra writes | "
                     "duplicates |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
        path.write_text(text + line)
    sys.exit(1 if result["errors"] or any(lost.values()) or stored["duplicate_bodies"] else 0)


if __name__ == "__main__":
    main()
