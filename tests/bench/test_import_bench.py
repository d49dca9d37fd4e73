"""bench/import_bench.py at small scale: two imports (empty, then full database) and the waits job after each."""

import re

import pytest

from tests.bench.conftest import _on_postgres, run_bench
from tests.conftest import scratch_database


@pytest.fixture
def empty_database(tmp_path):
    if not _on_postgres():
        pytest.skip("the bench scripts measure PostgreSQL")
    with scratch_database("import_bench", tmp_path) as url:
        yield url


def test_import_bench_prints_its_figures(empty_database, tmp_path):
    out = run_bench(empty_database, "import_bench.py", "--lines", "20000", "--more", "10000", "--dir", str(tmp_path))
    rows = re.findall(r"^\| (empty|full) database \| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \| [\d,]+ \| [\d.]+ \| (\d+) \| "
                      r"([\d.]+) \| ([\d,]+) \| ([\d,]+) \|$", out, re.M)
    assert [row[0] for row in rows] == ["empty", "full"], out
    for _, lines, seconds, per_million, peak_mb, _, threads, messages in rows:
        assert int(lines.replace(",", "")) > 9000 and float(seconds) > 0 and float(per_million) > 0
        assert int(peak_mb) > 0
        # The import left the waits current: the job after it replays nothing.
        assert (threads, messages) == ("0", "0"), out
    assert "- full database: stored" in out
