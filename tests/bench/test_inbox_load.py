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
