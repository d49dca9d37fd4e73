"""The live bench's side of the wire (bench/live_bench.py): its users, one gunicorn worker, signed-in
coaches, their open event streams and the posts that make events.

Every connection goes to 127.0.0.1 only, and each stream and request has a timeout.
"""

import http.client
import json
import os
import re
import socket
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
from bench.load_test import free_port, serving  # noqa: E402

HOST = "127.0.0.1"
PASSWORD = "live-bench-password"


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
    with serving(proc, port):
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        yield port, int(children[0])


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
