"""bench/queue_bench.py at small scale: both sides run and the figures are printed."""

import os
import re

import pytest

from tests.bench.conftest import run_bench


def test_queue_bench_prints_both_rates_and_their_ratio(small_program):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("the queue bench needs a real Redis")
    out = run_bench(small_program, "queue_bench.py", "--jobs", "10", "--rounds", "2")
    line = re.search(r"plain RQ ([\d.]+) jobs/s, helpdesk worker ([\d.]+) jobs/s; median ratio of a round (\d+) %", out)
    assert line, out
    assert float(line.group(1)) > 0 and float(line.group(2)) > 0 and int(line.group(3)) > 0
