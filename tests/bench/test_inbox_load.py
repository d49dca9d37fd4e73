"""bench/inbox_load.py at small scale: signed-in coaches against the app and the floor, both answering."""

import re

from tests.bench.conftest import run_bench


def test_inbox_load_runs_the_app_and_the_floor_side_by_side(small_program):
    out = run_bench(small_program, "inbox_load.py", "--coaches", "3", "--seconds", "2", "--rounds", "1",
                    WEB_CONCURRENCY="1", GUNICORN_THREADS="2")
    assert "3 signed-in coaches" in out and "App / floor throughput:" in out, out
    row = re.search(r"^\| 1 \| (\d+) \| \d+ \| \d+ \| 0 \| (\d+) \| \d+ \| \d+ \| 0 \| (\d+) % \|$", out, re.M)
    assert row, out  # one round, no errors on either side
    assert int(row.group(1)) > 0 and int(row.group(2)) > 0


def test_the_load_client_keeps_cookies_as_a_browser_does():
    from bench.inbox_load import _cookie_header, _keep_cookie

    jar = {"session": "signed-in"}
    _keep_cookie(jar, "session=with-csrf; HttpOnly; Path=/; SameSite=Lax")
    _keep_cookie(jar, "inbox_view=7.unread; Max-Age=31536000; Path=/inbox")
    assert _cookie_header(jar) == "session=with-csrf; inbox_view=7.unread"
    _keep_cookie(jar, "inbox_view=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/inbox")
    assert jar == {"session": "with-csrf"}
