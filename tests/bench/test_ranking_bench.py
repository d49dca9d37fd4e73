"""bench/ranking_bench.py at small scale: it times the ranking and its floor, and --compare finds the export
equal to the reference commit's and the floor's aggregates equal to the ranking's."""

import re

from tests.bench.conftest import run_bench


def test_ranking_bench_runs_small_and_compares(small_program):
    out = run_bench(small_program, "ranking_bench.py", "--rounds", "1", "--sections", "--compare")
    figures = re.search(r"median: ranking ([\d.]+) s, floor ([\d.]+) s, ratio ([\d.]+)x; peak RSS (\d+) MB", out)
    assert figures, out
    assert float(figures.group(1)) > 0 and float(figures.group(2)) > 0 and int(figures.group(4)) > 0
    assert "client_success_sums" in out                                  # --sections
    coaches = re.search(r"compare: the export of all (\d+) coaches equals that of", out)
    assert coaches and int(coaches.group(1)) > 0, out
    assert "DIFFERS" not in out
