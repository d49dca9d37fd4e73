"""bench/queues_bench.py runs end to end on a small generated program, prints its figures and leaves the
program as it found it (the samples, tickets and reports it adds are taken away)."""

import re

from sqlalchemy import create_engine, text

from tests.bench.conftest import run_bench

PAGES = ["auditors' queue", "auditors' queue, one day", "moderation queue (pending)", "moderation queue, approved",
         "moderation queue, reported", "review queue", "tickets, support", "support queue", "tickets, team leader",
         "triage, team leader"]


def _counts(url):
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("audit_samples", "tickets", "listing_reports")]
    finally:
        engine.dispose()


def test_queues_bench_prints_its_figures_and_cleans_up(small_program):
    before = _counts(small_program)
    out = run_bench(small_program, "queues_bench.py", "--requests", "3", "--sample-days", "2")
    rows = re.findall(r"^\| (.+?) `[^`]+` \| ([\d.]+) \| ([\d.]+) \| (\d+) \|", out, re.M)
    assert [r[0] for r in rows] == PAGES
    assert all(float(p95) > 0 and int(statements) > 0 for _, p95, _, statements in rows)
    samples = int(re.search(r"([\d,]+) open audit samples", out).group(1).replace(",", ""))
    tickets = int(re.search(r"([\d,]+) tickets\.", out).group(1).replace(",", ""))
    assert samples > 0 and tickets == 50 * 4
    assert _counts(small_program) == before
