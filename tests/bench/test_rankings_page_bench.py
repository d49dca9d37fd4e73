"""bench/rankings_page_bench.py end to end at small scale (PostgreSQL only): the rankings page and CSV figures."""

import re

from tests.bench.conftest import run_bench


def test_rankings_page_bench_prints_its_figures(small_program):
    out = run_bench(small_program, "rankings_page_bench.py", "--requests", "5")
    rows = re.findall(r"^\| (admin|team leader): [^|]*\| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    assert len(rows) == 6, out  # four pages and two CSVs
    assert sum("csv" in line for line in out.splitlines() if line.startswith("| ")) == 2
