"""The bounded load test (bench/load_test.py) in its short form: 200 users at once for a few seconds against
gunicorn on PostgreSQL + Redis, on loopback. Zero failed requests, and every write answered 201 is stored
exactly once. The full-length run (60 s, figures in bench/RESULTS.md) is the bench script itself."""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.conftest import scratch_database

pytestmark = pytest.mark.own_app

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load_test.py"


def _bench():
    spec = importlib.util.spec_from_file_location("load_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"),
                    reason="the load test runs against gunicorn on PostgreSQL + Redis")
def test_200_users_at_once_lose_and_duplicate_nothing(tmp_path):
    load = _bench()
    with scratch_database("load", tmp_path) as url:
        url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        plan = load.seed(url, 200)
        assert len(plan.users) == 200
        with load.gunicorn(url, os.environ["REDIS_URL"]) as port:
            tally = load.run_load(plan, port, seconds=8)
        result = load.summarize(tally, 8)
        stored = load.stored_counts(url)
    assert tally.errors == []
    assert result["requests"] >= 200
    for kind in ("client_message", "coach_reply", "audit", "decision"):
        assert stored[kind] == result["created"].get(kind, 0), (kind, stored, result["created"])
    assert result["created"].get("client_message", 0) > 0 and result["created"].get("coach_reply", 0) > 0
    assert stored["duplicate_bodies"] == 0
