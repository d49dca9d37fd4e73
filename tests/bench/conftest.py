"""The bench scripts, run at small scale to prove they still work (issue #15: CI runs each one small).

They measure PostgreSQL, so they run only in the PostgreSQL pass. One small program is generated once per
session into a database of the suite's own (`scratch_database`), and each script reads it through
`DATABASE_URL`; none of them writes to `bench/RESULTS.md` here (no `--write`).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import scratch_database

ROOT = Path(__file__).resolve().parents[2]
BENCH_TIMEOUT_S = 300


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(scope="session")
def small_program(tmp_path_factory):
    """The URL of a PostgreSQL database holding `helpdesk generate --scale small` (3 months)."""
    if not _on_postgres():
        pytest.skip("the bench scripts measure PostgreSQL")
    with scratch_database("bench_small", tmp_path_factory.mktemp("bench")) as url:
        run_cli(url, "generate", "--scale", "small", "--months", "3")
        yield url


def bench_env(url: str, **extra) -> dict:
    env = dict(os.environ, DATABASE_URL=url, PYTHONPATH=str(ROOT), **extra)
    return env


def run_cli(url: str, *args: str, timeout: int = BENCH_TIMEOUT_S) -> str:
    """Run `helpdesk <args>` against `url`; its output, or the test fails with it."""
    return _run([sys.executable, "-c", "from helpdesk.cli import main; main()", *args], url, timeout)


def run_bench(url: str, script: str, *args: str, timeout: int = BENCH_TIMEOUT_S, **env) -> str:
    """Run `bench/<script> <args>` against `url`; its output, or the test fails with it."""
    return _run([sys.executable, str(ROOT / "bench" / script), *args], url, timeout, **env)


def _run(cmd, url, timeout, **env) -> str:
    done = subprocess.run(cmd, cwd=ROOT, env=bench_env(url, **env), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout
