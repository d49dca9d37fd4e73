"""`helpdesk demo` on a fresh machine: an empty instance folder, the real migrations, SQLite."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from helpdesk.demo.generator import generate
from helpdesk.demo.people import DEMO_PASSWORD


def _run_demo(instance: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "FLASK_APP")}
    env["HELPDESK_INSTANCE"] = str(instance)
    command = Path(sys.executable).with_name("helpdesk")
    return subprocess.run([str(command), "demo", "--no-serve", "--scale", "0.07"], env=env, cwd=instance,
                          capture_output=True, text=True, timeout=180)


def test_demo_creates_the_database_loads_once_and_prints_the_logins(tmp_path):
    first = _run_demo(tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Loaded the demo program" in first.stdout
    assert f"demo-admin         {DEMO_PASSWORD}" in first.stdout
    database = tmp_path / "helpdesk.sqlite3"
    with sqlite3.connect(database) as conn:
        users = conn.execute("select count(*) from users").fetchone()[0]
        passwords = conn.execute("select count(*) from users where password_hash is not null").fetchone()[0]
    expected_users = sum(1 for r in generate(scale=0.07) if r["type"] == "user")
    assert users == expected_users and passwords == 6

    second = _run_demo(tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "already loaded" in second.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from users").fetchone()[0] == users
