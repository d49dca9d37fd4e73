"""bench/sla_page_bench.py runs end to end on a small generated program and prints its figures."""

import re

from tests.bench.conftest import run_bench


def test_sla_page_bench_prints_its_figures(small_program):
    out = run_bench(small_program, "sla_page_bench.py", "--requests", "5")
    assert "50 coaches" in out and "response waits" in out
    rows = re.findall(r"^\| (a month, team leader|this month, team leader|a month, one coach) `/sla\?*[^`]*` \| "
                      r"([\d.]+) \| ([\d.]+) \| (\d+) \|", out, re.M)
    assert [r[0] for r in rows] == ["a month, team leader", "this month, team leader", "a month, one coach"]
    assert all(float(p95) > 0 and int(statements) > 0 for _, p95, _, statements in rows)
