"""What one gunicorn worker holds of the live channel (issue #14): open streams, memory per stream, events
delivered per second, and the latency from a client's post to the coach's event.

One gunicorn worker (gthread, --threads T, LIVE_MAX_STREAMS = T - 8 so eight threads stay for pages) on a
loopback port. Coaches sign in through the login form; S streams are opened (each coach's inbox stream,
several per coach when S is larger). Then:
- memory: the worker's RSS before and after the S streams are open, per stream;
- the process's bound: one more stream than LIVE_MAX_STREAMS is refused (503), and /healthz still answers
  while every stream slot is taken (median of 20);
- latency: clients post messages through the API one at a time; from sending the POST to the event arriving on
  the coach's open stream (p50, p95), beside the POST's own answer time;
- delivery: with REDIS_URL, the bench publishes E events on the desk-wide topic through Redis as fast as it
  can and counts them arriving on every stream (events delivered per second = S x E / time to the last);
  without REDIS_URL (the in-process broker) clients post (from 4 threads; one on SQLite) and the events
  reaching the streams are counted.

Usage (PostgreSQL or SQLite; the bench's users are added with a fresh prefix, nothing is dropped):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/helpdesk_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
        python bench/live_bench.py --streams 200 --threads 216 --write
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
PASSWORD = "live-bench-password"
SPARE_THREADS = 8


def seed(database_url: str, coaches: int) -> dict:
    """A team leader, `coaches` coaches with a password, one client each (API token) with one thread."""
    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.auth.services import create_token, set_password
    from helpdesk.clients.models import Assignment
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Thread

    prefix = f"livebench-{uuid.uuid4().hex[:6]}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": None,
                      "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    now = datetime.now(UTC)
    plan = {"coaches": [], "prefix": prefix}
    with app.app_context():
        db.create_all()  # only the tables missing
        leader = User(role="team_leader", name="Bench Leader", external_id=f"{prefix}-leader")
        db.session.add(leader)
        db.session.flush()
        for i in range(coaches):
            coach = User(role="coach", name=f"Bench Coach {i}", external_id=f"{prefix}-coach-{i}",
                         reports_to_id=leader.id)
            client = User(role="client", name=f"Bench Client {i}", external_id=f"{prefix}-client-{i}",
                          joined_on=(now - timedelta(days=400)).date())
            db.session.add_all([coach, client])
            db.session.flush()
            set_password(coach, PASSWORD)
            db.session.add(Assignment(client_id=client.id, coach_id=coach.id, starts_at=now - timedelta(days=400)))
            thread = Thread(client_id=client.id, subject=f"Bench question {i}", created_at=now)
            db.session.add(thread)
            db.session.flush()
            plan["coaches"].append({"login": coach.external_id, "id": coach.id, "thread": thread.id,
                                    "client_token": create_token(client)})
        db.session.commit()
        db.engine.dispose()
    return plan


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, redis_url: str | None, threads: int, max_streams: int):
    """One gthread worker serving the app (sign-in limits raised for the bench's many sign-ins); yields
    (port, worker pid)."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="live-bench-secret", HELPDESK_ENV="development",
               PYTHONPATH=str(ROOT), LIVE_MAX_STREAMS=str(max_streams), LIVE_STREAM_SECONDS="900",
               LIVE_HEARTBEAT_SECONDS="15")
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    factory = ("helpdesk:create_app({'LOGIN_RATE_LIMIT': '100000 per minute', "
               "'LOGIN_ACCOUNT_RATE_LIMIT': '100000 per minute', "
               "'ARGON2_PARAMS': {'time_cost': 1, 'memory_cost': 1024, 'parallelism': 1}})")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", str(threads), "--worker-class", "gthread",
         "--bind", f"{HOST}:{port}", "--timeout", "120", "--log-level", "warning", factory], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited")
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        yield port, int(children[0])
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def sign_in(port: int, login: str) -> str:
    """The session cookie of `login` signed in through the form (CSRF token and all)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/login")
    page = conn.getresponse()
    html = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    body = urlencode({"csrf_token": token.group(1), "login": login, "password": PASSWORD})
    conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                         "Cookie": cookie})
    answer = conn.getresponse()
    answer.read()
    if answer.status != 302:
        raise RuntimeError(f"sign-in of {login} answered {answer.status}")
    return answer.getheader("Set-Cookie", "").split(";")[0] or cookie


class Stream(threading.Thread):
    """One open event stream, read on its own thread: the time and data of every change it hears."""

    def __init__(self, port: int, cookie: str, path: str):
        super().__init__(daemon=True)
        self.port, self.cookie, self.path = port, cookie, path
        self.opened = threading.Event()
        self.status = None
        self.heard: list[tuple[float, dict]] = []
        self._conn = None

    def run(self):
        self._conn = http.client.HTTPConnection(HOST, self.port, timeout=600)
        try:
            self._conn.request("GET", self.path, headers={"Cookie": self.cookie, "Accept": "text/event-stream"})
            response = self._conn.getresponse()
            self.status = response.status
            if response.status != 200:
                response.read()
                self.opened.set()
                return
            event = None
            while True:
                line = response.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    if event == "ready":
                        self.opened.set()
                    elif event == "change":
                        self.heard.append((time.perf_counter(), json.loads(line[6:])))
                elif line == "":
                    event = None
        except OSError:
            return
        finally:
            self.opened.set()

    def close(self):
        try:
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass


def post_message(port: int, token: str, thread_id: int, body: str) -> float:
    """A client's message through the API; the seconds its answer took."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("POST", f"/api/v1/threads/{thread_id}/messages", body=json.dumps({"body": body}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    answer = conn.getresponse()
    answer.read()
    if answer.status != 201:
        raise RuntimeError(f"post answered {answer.status}")
    return time.perf_counter() - started


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(database_url: str, redis_url: str | None, streams: int, threads: int, posts: int, events: int) -> dict:
    max_streams = threads - SPARE_THREADS
    if streams > max_streams:
        raise SystemExit(f"--streams {streams} is more than --threads {threads} minus {SPARE_THREADS}")
    coaches = max(1, min(streams, 20))
    plan = seed(database_url, coaches)
    figures = {"streams": streams, "threads": threads, "max_streams": max_streams,
               "broker": "Redis pub/sub" if redis_url else "in-process"}
    with gunicorn(database_url, redis_url, threads, max_streams) as (port, worker):
        cookies = [sign_in(port, c["login"]) for c in plan["coaches"]]
        warm = Stream(port, cookies[0], "/live/stream?inbox=1")  # the broker (and its listener) start
        warm.start()
        warm.opened.wait(10)
        warm.close()
        time.sleep(1.0)
        rss_before, threads_before = rss_kb(worker), thread_count(worker)
        opened = []
        for i in range(streams):
            stream = Stream(port, cookies[i % coaches], "/live/stream?inbox=1")
            stream.coach = plan["coaches"][i % coaches]
            stream.start()
            opened.append(stream)
        for stream in opened:
            stream.opened.wait(30)
        refused = [s.status for s in opened if s.status != 200]
        if refused:
            raise RuntimeError(f"{len(refused)} streams refused: {refused[:5]}")
        time.sleep(1.0)
        rss_after = rss_kb(worker)
        figures.update(rss_before_mb=rss_before / 1024, rss_after_mb=rss_after / 1024,
                       kb_per_stream=(rss_after - rss_before) / streams,
                       threads_in_worker=thread_count(worker), threads_before=threads_before)

        # The bound: one more than LIVE_MAX_STREAMS is refused, pages still answer.
        fillers = []
        for _ in range(max_streams - streams):
            filler = Stream(port, cookies[0], "/live/stream")
            filler.start()
            fillers.append(filler)
        for filler in fillers:
            filler.opened.wait(30)
        extra = Stream(port, cookies[0], "/live/stream")
        extra.start()
        extra.join(30)
        figures["beyond_max_status"] = extra.status
        health = []
        for _ in range(20):
            started = time.perf_counter()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            health.append(time.perf_counter() - started)
        figures["healthz_ms_all_slots_taken"] = statistics.median(health) * 1000
        for filler in fillers:
            filler.close()

        # Latency: a client posts, the coach's stream hears "message".
        latencies, post_times = [], []
        for k in range(posts):
            coach = plan["coaches"][k % coaches]
            mine = next(s for s in opened if s.coach is coach)
            seen = len(mine.heard)
            started = time.perf_counter()
            post_times.append(post_message(port, coach["client_token"], coach["thread"], f"bench message {k}"))
            topic = f"coach:{coach['id']}"
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                hit = next((t for t, d in mine.heard[seen:] if d["kind"] == "message" and topic in d["topics"]),
                           None)
                if hit is not None:
                    latencies.append(hit - started)
                    break
                time.sleep(0.002)
            else:
                raise RuntimeError(f"the event of post {k} never arrived")
        figures.update(latency_p50_ms=percentile(latencies, 50) * 1000, latency_p95_ms=percentile(latencies, 95) * 1000,
                       post_p50_ms=percentile(post_times, 50) * 1000, posts=posts)

        # Delivery rate.
        counted_from = [len(s.heard) for s in opened]
        if redis_url:
            from redis import Redis

            from helpdesk.live.broker import channel_for, now_ms

            redis = Redis.from_url(redis_url)
            channel = channel_for(redis_url)
            started = time.perf_counter()
            for _ in range(events):
                redis.publish(channel, json.dumps({"ts": now_ms(), "topics": ["desk"], "kind": "bench"}))
            expected = events
            kind = "bench"
        else:
            started = time.perf_counter()
            posters = 1 if database_url.startswith("sqlite") else 4  # SQLite takes one writer at a time
            per_thread = max(1, events // posters)
            failed = []

            def poster(offset):
                for n in range(per_thread):
                    coach = plan["coaches"][(offset + n) % coaches]
                    try:
                        post_message(port, coach["client_token"], coach["thread"], f"rate {offset}-{n}")
                    except (RuntimeError, OSError) as exc:
                        failed.append(str(exc))

            workers = [threading.Thread(target=poster, args=(i,)) for i in range(posters)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            if failed:
                raise RuntimeError(f"{len(failed)} posts failed: {failed[:3]}")
            expected = None
            kind = "message"
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            got = [sum(1 for _, d in s.heard[c:] if d["kind"] == kind) for s, c in zip(opened, counted_from, strict=True)]
            if expected is None or min(got) >= expected:
                if expected is None:
                    time.sleep(1.0)
                    got = [sum(1 for _, d in s.heard[c:] if d["kind"] == kind)
                           for s, c in zip(opened, counted_from, strict=True)]
                break
            time.sleep(0.01)
        last = max((t for s, c in zip(opened, counted_from, strict=True) for t, d in s.heard[c:] if d["kind"] == kind),
                   default=time.perf_counter())
        delivered = sum(got)
        figures.update(delivered=delivered, delivery_seconds=last - started,
                       events_per_second=delivered / max(1e-6, last - started),
                       lost=(expected * streams - delivered) if expected is not None else None)
        for stream in opened:
            stream.close()
    return figures


def report(f: dict) -> str:
    lost = f"; lost {f['lost']}" if f["lost"] is not None else ""
    return (f"one gthread worker, {f['threads']} threads, LIVE_MAX_STREAMS {f['max_streams']}, {f['broker']}: "
            f"{f['streams']} open streams; worker RSS {f['rss_before_mb']:.1f} MB -> {f['rss_after_mb']:.1f} MB = "
            f"{f['kb_per_stream']:.0f} KB per stream ({f['threads_in_worker']} OS threads); stream "
            f"{f['max_streams'] + 1} answered {f['beyond_max_status']}, /healthz {f['healthz_ms_all_slots_taken']:.1f} ms "
            f"with every slot taken; post -> event p50 {f['latency_p50_ms']:.0f} ms, p95 {f['latency_p95_ms']:.0f} ms "
            f"over {f['posts']} posts (the POST alone p50 {f['post_p50_ms']:.0f} ms); delivered "
            f"{f['delivered']} events in {f['delivery_seconds']:.2f} s = {f['events_per_second']:.0f} events/s{lost}")


def write_results(text: str) -> None:
    """Append this run at the end of its section of bench/RESULTS.md (the section is created once)."""
    path = ROOT / "bench" / "RESULTS.md"
    heading = "## Live channel: what one gunicorn worker holds (bench/live_bench.py)"
    current = path.read_text()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    line = f"- {stamp}, 2 shared cores, {database}: {text}\n"
    if heading not in current:
        current = current.rstrip("\n") + f"\n\n{heading}\n\n"
    ends = [i for i in (current.find(mark, current.index(heading) + len(heading)) for mark in ("\n## ", "\n### "))
            if i != -1]
    at = min(ends) + 1 if ends else len(current)  # before the next section, or this one's notes
    before = current[:at].rstrip("\n") + "\n\n"
    path.write_text(before + line + ("\n" + current[at:] if at < len(current) else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=100, help="open streams to hold")
    parser.add_argument("--threads", type=int, default=116, help="gunicorn --threads of the one worker")
    parser.add_argument("--posts", type=int, default=40, help="posts timed one at a time (latency)")
    parser.add_argument("--events", type=int, default=500, help="events published for the delivery rate")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'live_bench.sqlite3'}"
    figures = run(database_url, os.environ.get("REDIS_URL") or None, args.streams, args.threads, args.posts,
                  args.events)
    text = report(figures)
    print(text)
    print("FIGURES " + json.dumps(figures))
    if args.write:
        write_results(text)


if __name__ == "__main__":
    main()
