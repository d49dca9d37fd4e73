"""bench/warnings_bench.py runs end to end on a small program (PostgreSQL only; no --write)."""

import re

from sqlalchemy import create_engine, text

from tests.bench.conftest import run_bench


def _copy(url: str, name: str) -> str:
    """A copy of the database at `url` (CREATE DATABASE ... TEMPLATE), dropped first if left over."""
    base, source = url.rsplit("/", 1)
    admin = create_engine(re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", base + "/postgres"),
                          isolation_level="AUTOCOMMIT")
    target = f"{source}_{name}"[:63]
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {target} TEMPLATE {source}"))
    admin.dispose()
    return f"{base}/{target}"


def _drop(url: str) -> None:
    base, target = url.rsplit("/", 1)
    admin = create_engine(re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", base + "/postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)"))
    admin.dispose()


def test_warnings_bench_runs_on_a_small_program(small_program):
    # The bench stores notifications, so it runs on a copy: the session's program stays as generated.
    url = _copy(small_program, "warnings")
    try:
        out = run_bench(url, "warnings_bench.py", "--steady", "2", "--scale", "small")
    finally:
        _drop(url)
    rows = re.findall(r"^\| (first run|steady \d \(\+\d+ min\)|after 2 h down) \| [^|]+ \| ([\d.]+) s \| (\d+) \| "
                      r"(\d+) \|", out, re.M)
    assert [name for name, *_ in rows] == ["first run", "steady 1 (+5 min)", "steady 2 (+10 min)", "after 2 h down"]
    assert int(rows[0][3]) > 0, "the first run on a generated program sends warnings"
    assert re.search(r"first run [\d.]+ s, steady state median [\d.]+ s; slowest run [\d.]+ s", out)
