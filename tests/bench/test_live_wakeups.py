"""bench/live_wakeups.py at small scale: a few waiting streams, a few hundred events for other users."""

import json

from tests.bench.conftest import run_bench


def test_live_wakeups_runs_small_and_each_stream_hears_only_its_own(tmp_path):
    out = run_bench(f"sqlite:///{tmp_path}/unused.sqlite3", "live_wakeups.py", "--streams", "10", "--events",
                    "300", "--pause-ms", "0.2", timeout=60)
    figures = json.loads(out.split("FIGURES ", 1)[1].splitlines()[0])
    assert figures["targeted"] is True and figures["streams"] == 10
    assert figures["stream_0_heard"] == 1 and figures["others_heard"] == 0
    assert figures["cpu_s"] > 0 and "us of CPU per event" in out
