"""The inbox under load (issue #15): N signed-in coaches reading their inbox, against the app and the floor.

    DATABASE_URL=postgresql://.../helpdesk_x_large REDIS_URL=redis://127.0.0.1:6379/N \\
        python bench/inbox_load.py [--coaches 100] [--seconds 30] [--rounds 4] [--write]

DATABASE_URL names a generated program (`helpdesk generate`; a copy: the script gives the coaches it picks
a password and signs them in, which writes to `users` and `login_sessions`). Two gunicorns on loopback, both
with gunicorn.conf.py: the app (`wsgi:app`, HELPDESK_ENV=production, rate limits in Redis as in production)
and the floor (`bench/floor_app.py`: one indexed query of the same rows, rendered minimally). The coaches,
real coaches of the program spread over its ids, are signed in through the real /login, each with a
cookie jar of its own that keeps what the server sets, as a browser does (before 2026-12-02 the client sent
the sign-in cookie unchanged, so the app signed and set a new session cookie on every page: its CSRF token,
which a browser keeps after the first page; see bench/RESULTS.md). In each round every coach keeps one
connection and asks, one request at a time, for its inbox views in turn (Waiting, Unread, Breached, All)
for `--seconds`: first against one server, then the other (the order alternates by round); the floor gets the
same coaches and views. Every answer must be a 200 with the page's rows (a redirect to sign-in counts as an
error). Printed per round: requests per second, p50 and p95 of the time to the whole answer, errors; and the
app's throughput as a share of the floor's (target: >= 50 %). The client is one asyncio process speaking HTTP/1.1 over keep-alive connections, only
to 127.0.0.1, bounded in time and in requests (`--max-requests`).
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_test import TARGET_HOST, free_port, serving  # noqa: E402

VIEWS = ("waiting", "unread", "breached", "all")
USER_AGENT = "inbox-load/1"  # sent at sign-in and with every request (Flask-Login's strong protection)
PASSWORD = "inbox load password 2026"
SECRET_KEY = "inbox-load-secret"
TARGET_SHARE = 50


def pick_coaches(app, n: int) -> list[int]:
    """`n` coaches with clients assigned now, spread evenly over the program's coaches (by id)."""
    from sqlalchemy import text

    from helpdesk.extensions import db

    with app.app_context():
        ids = db.session.scalars(text(
            "SELECT DISTINCT coach_id FROM assignments WHERE ends_at IS NULL ORDER BY coach_id")).all()
    if len(ids) < n:
        sys.exit(f"the program has {len(ids)} coaches with clients, fewer than --coaches {n}")
    step = len(ids) / n
    return [ids[int(i * step)] for i in range(n)]


def sign_in(app, coach_ids: list[int]) -> dict[int, str]:
    """Each coach's session cookie, from the app's real /login (run in-process, its rate limit off)."""
    from helpdesk.auth.models import User
    from helpdesk.auth.services import set_password
    from helpdesk.extensions import db

    with app.app_context():
        users = db.session.scalars(db.select(User).where(User.id.in_(coach_ids))).all()
        for user in users:
            set_password(user, PASSWORD)
        logins = {u.id: u.external_id or u.email for u in users}
        db.session.commit()
    cookies = {}
    for coach_id, login in logins.items():
        client = app.test_client()
        response = client.post("/login", data={"login": login, "password": PASSWORD},
                               headers={"User-Agent": USER_AGENT}, base_url="https://127.0.0.1")
        assert response.status_code == 302, (login, response.status_code)
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
        cookies[coach_id] = cookie.split(";", 1)[0]
    return cookies


@contextmanager
def gunicorn(app_spec: str, env: dict):
    """gunicorn -c gunicorn.conf.py `app_spec` on a spare loopback port; yields the port once it answers."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), GUNICORN_BIND=f"{TARGET_HOST}:{port}", **env)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                             "--log-level", "warning", app_spec], cwd=ROOT, env=env)
    with serving(proc, port, f"gunicorn {app_spec}"):
        yield port


class Round:
    """What one server answered in one round."""

    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def _keep_cookie(jar: dict[str, str], header_value: str) -> None:
    """What a browser does with a Set-Cookie: keep the new value, or drop the cookie when it is cleared. Every
    request of the load is under /inbox, so each cookie's Path matches them all."""
    pair, *attributes = header_value.split(";")
    name, _, value = pair.strip().partition("=")
    cleared = not value or any(a.strip().lower() in ("max-age=0", "expires=thu, 01 jan 1970 00:00:00 gmt")
                               for a in attributes)
    if cleared:
        jar.pop(name, None)
    else:
        jar[name] = value


async def _get(reader, writer, path: str, jar: dict[str, str]) -> tuple[int, bytes, bool]:
    """One request on a kept connection, with the cookies in `jar` (updated from the answer's Set-Cookie, as a
    browser would): the status, the body, and whether the server closes it now."""
    head = f"GET {path} HTTP/1.1\r\nHost: {TARGET_HOST}\r\nUser-Agent: {USER_AGENT}\r\n"
    if jar:
        head += f"Cookie: {_cookie_header(jar)}\r\n"
    writer.write((head + "\r\n").encode())
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed by the server")
    status = int(status_line.split()[1])
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "connection" and value.strip().lower() == "close":
            close = True
        elif name.lower() == "set-cookie":
            _keep_cookie(jar, value.strip())
    return status, await reader.readexactly(length), close


async def _coach_loop(port: int, path_for, jar: dict[str, str], marker: bytes, stop_at: float, budget: list,
                      result: Round, offset: int):
    reader = writer = None
    step = offset
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        path = path_for(VIEWS[step % len(VIEWS)])
        step += 1
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(TARGET_HOST, port)
            status, body, close = await _get(reader, writer, path, jar)
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            if writer is not None:
                writer.close()
            reader = writer = None
            result.errors.append(f"{path}: {exc!r}")
            continue
        result.latencies.append(time.monotonic() - started)
        if close:  # a worker restarting (max_requests): the next request opens a new connection
            writer.close()
            reader = writer = None
        if status != 200 or marker not in body:
            result.errors.append(f"{path}: {status}")
    if writer is not None:
        writer.close()


def run_round(port: int, coaches: list[tuple[int, dict[str, str]]], path_for, marker: bytes, seconds: float,
              max_requests: int) -> Round:
    """Every coach at once against one server for `seconds` (at most `max_requests` in all)."""
    result, budget = Round(), [max_requests]

    async def main():
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(_coach_loop(port, lambda view, c=coach_id: path_for(c, view), jar, marker,
                                           stop_at, budget, result, i)
                               for i, (coach_id, jar) in enumerate(coaches)))

    asyncio.run(main())
    return result


def summary(result: Round, seconds: float) -> dict:
    lat = sorted(result.latencies)
    return {"requests": len(lat), "per_second": len(lat) / seconds,
            "p50_ms": statistics.median(lat) * 1000 if lat else 0.0,
            "p95_ms": statistics.quantiles(lat, n=20)[18] * 1000 if len(lat) > 1 else 0.0,
            "errors": len(result.errors), "first_errors": result.errors[:3]}


def measure(database_url: str, redis_url: str | None, n_coaches: int, seconds: float, rounds: int,
            max_requests: int, warmup: float = 3.0) -> dict:
    from helpdesk import create_app

    # In-process, only to sign the coaches in: no CSRF token to fetch first, no rate limit on 100 sign-ins.
    login_app = create_app({"SECRET_KEY": SECRET_KEY, "RATELIMIT_ENABLED": False, "HELPDESK_ENV": "production",
                            "WTF_CSRF_ENABLED": False,
                            "SESSION_COOKIE_SECURE": True,
                            "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    coach_ids = pick_coaches(login_app, n_coaches)
    cookies = sign_in(login_app, coach_ids)
    with login_app.app_context():
        from helpdesk.extensions import db

        db.engine.dispose()
    env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "HELPDESK_ENV": "production"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    # Each coach's cookie jar lasts the whole run, as a browser's does: a cookie the app sets once (the CSRF
    # token's session, the view chosen last) is sent back from then on, not set again on every page.
    signed_in = [(c, {"session": cookies[c].partition("=")[2]}) for c in coach_ids]
    anonymous = [(c, {}) for c in coach_ids]
    servers = {
        "app": (signed_in, lambda c, view: f"/inbox?view={view}", b'data-testid="count-all"'),
        "floor": (anonymous, lambda c, view: f"/inbox?coach={c}&view={view}", b"<table>"),
    }
    results: dict[str, list[dict]] = {"app": [], "floor": []}
    with gunicorn("wsgi:app", env) as app_port, gunicorn("bench.floor_app:app", env) as floor_port:
        ports = {"app": app_port, "floor": floor_port}
        for name in ("app", "floor"):  # warm each server's workers, pools and prepared statements
            coaches, path_for, marker = servers[name]
            run_round(ports[name], coaches, path_for, marker, warmup, max_requests)
        for n in range(rounds):
            for name in (("app", "floor") if n % 2 == 0 else ("floor", "app")):
                coaches, path_for, marker = servers[name]
                results[name].append(summary(run_round(ports[name], coaches, path_for, marker, seconds,
                                                       max_requests), seconds))
    shares = [a["per_second"] / f["per_second"] * 100 if f["per_second"] else 0.0
              for a, f in zip(results["app"], results["floor"], strict=True)]
    return {"coaches": n_coaches, "seconds": seconds, "rounds": rounds, "results": results, "shares": shares,
            "share": statistics.mean(shares) if shares else 0.0}


def report(run: dict, database: str) -> str:
    lines = [f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, 2 shared cores, database `{database}`, "
             f"{run['coaches']} signed-in coaches, {run['seconds']:.0f} s x {run['rounds']} rounds, gunicorn.conf.py "
             f"(WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', 'default')}, "
             f"GUNICORN_THREADS={os.environ.get('GUNICORN_THREADS', 'default')}). "
             f"App / floor throughput: {run['share']:.0f} % on average (target >= {TARGET_SHARE} %).", "",
             "| round | app req/s | app p50 ms | app p95 ms | app errors | floor req/s | floor p50 ms | floor p95 ms "
             "| floor errors | app / floor |", "|---|---|---|---|---|---|---|---|---|---|"]
    for i, (a, f, share) in enumerate(zip(run["results"]["app"], run["results"]["floor"], run["shares"],
                                          strict=True), 1):
        lines.append(f"| {i} | {a['per_second']:.0f} | {a['p50_ms']:.0f} | {a['p95_ms']:.0f} | {a['errors']} | "
                     f"{f['per_second']:.0f} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | {f['errors']} | {share:.0f} % |")
    return "\n".join(lines)


def write_results(text: str) -> None:
    """Append this run under "## Inbox under load" in bench/RESULTS.md (the section is created once)."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    header = "## Inbox under load (bench/inbox_load.py)"
    if header not in current:
        current = current.rstrip("\n") + (
            f"\n\n{header}\n\nSigned-in coaches of a generated program reading their inbox views against gunicorn, "
            "beside the floor (`bench/floor_app.py`: one indexed query of the same rows, same gunicorn settings), "
            "in the same run. Target: the app's throughput >= 50 % of the floor's.\n")
    start = current.index(header)
    end = current.find("\n## ", start + len(header))  # the next section, if any: the run goes before it
    end = len(current) if end == -1 else end + 1
    path.write_text(current[:end].rstrip("\n") + "\n\n" + text + "\n" + ("\n" + current[end:] if current[end:] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coaches", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=200_000, help="per round and server")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a copy of a generated program on PostgreSQL")
    if database_url.rstrip("/").endswith("_tpl"):
        sys.exit("refusing to write to a template database: copy it (createdb -T) and point at the copy")
    run = measure(database_url, os.environ.get("REDIS_URL"), args.coaches, args.seconds, args.rounds,
                  args.max_requests)
    text = report(run, urlsplit(database_url).path.lstrip("/"))
    print(text)
    for name in ("app", "floor"):
        for r in run["results"][name]:
            if r["first_errors"]:
                print(f"{name} errors: {r['first_errors']}")
    if args.write:
        write_results(text)
    if any(r["errors"] for rs in run["results"].values() for r in rs):
        sys.exit(1)


if __name__ == "__main__":
    main()
