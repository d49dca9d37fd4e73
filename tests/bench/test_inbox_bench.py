"""bench/inbox_bench.py --program at small scale: it signs in as a coach of the generated program and times
every view and the search."""

import re

from tests.bench.conftest import run_bench


def test_inbox_bench_measures_a_real_coach_of_the_generated_program(small_program):
    out = run_bench(small_program, "inbox_bench.py", "--program", "--requests", "10")
    assert re.search(r"the coach \(a real one of the program, at the 90th percentile of threads\) has \d+ threads", out), out
    for page in ("view=all", "view=waiting", "view=unread", "view=breached", "search, common words",
                 "search, a word in no message"):
        row = re.search(re.escape(page) + r"\S* \| ([\d.]+) \| ([\d.]+) \|", out)
        assert row and float(row.group(1)) > 0, (page, out)
