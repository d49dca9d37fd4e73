"""bench/standing_bench.py end to end at small scale (PostgreSQL only): it stores the months' rankings and
prints the My standing figures."""

import re

from tests.bench.conftest import run_bench


def test_standing_bench_prints_its_figures(small_program):
    out = run_bench(small_program, "standing_bench.py", "--requests", "5")
    rows = re.findall(r"^\| /standing[^|]*\| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    assert len(rows) == 2, out  # the last complete month and the current one
    assert "50 coaches" in out and "stored ranking rows" in out
