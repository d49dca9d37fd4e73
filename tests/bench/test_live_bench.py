"""bench/live_bench.py at small scale, end to end: one gunicorn worker, a few streams, PostgreSQL + Redis."""

import json
import os

import pytest

from tests.bench.conftest import run_bench
from tests.conftest import scratch_database


@pytest.fixture
def bench_database(tmp_path):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the bench scripts measure PostgreSQL")
    with scratch_database("live_bench", tmp_path) as url:
        yield url


def test_live_bench_runs_small_and_prints_its_figures(bench_database):
    out = run_bench(bench_database, "live_bench.py", "--streams", "6", "--threads", "16", "--posts", "5",
                    "--events", "20", timeout=120)
    figures = json.loads(out.split("FIGURES ", 1)[1].splitlines()[0])
    assert figures["streams"] == 6 and figures["beyond_max_status"] == 503
    assert figures["kb_per_stream"] is not None and figures["latency_p95_ms"] > 0
    assert figures["delivered"] > 0 and figures["events_per_second"] > 0
    if os.environ.get("REDIS_URL"):
        assert figures["broker"] == "Redis pub/sub" and figures["lost"] == 0
    assert "open streams" in out
