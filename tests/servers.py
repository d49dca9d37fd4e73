"""Servers of a test's own: a redis-server and a PostgreSQL cluster on spare loopback ports, so a test that stops
or restarts one disturbs nothing else; every wait is bounded."""

import os
import socket
import subprocess
import time

import pytest


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll `predicate` until it returns something true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    """A redis-server of the test's own, without persistence (a restart loses everything, as the fault says)."""

    def __init__(self, directory):
        self.port, self.directory, self.proc = spare_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from redis import Redis

        client = Redis(port=self.port, socket_connect_timeout=0.2)

        def up():
            try:
                return client.ping()
            except Exception:  # noqa: BLE001 - not up yet
                return False

        wait_until(up, 10, "redis-server to start")
        client.close()

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


class PostgresServer:
    """A PostgreSQL cluster of the test's own (initdb into a temp dir, run as the postgres user)."""

    def __init__(self, bindir, directory):
        self.bindir, self.directory, self.port = bindir, directory, spare_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check, capture_output=True,
                              text=True, timeout=60)

    def init(self):
        self._as_postgres(os.path.join(self.bindir, "initdb"), "-D", self.directory, "-A", "trust", "-U",
                          "postgres", "--no-sync")

    def start(self):
        self._as_postgres(os.path.join(self.bindir, "pg_ctl"), "-D", self.directory, "-w", "-t", "30", "-l",
                          os.path.join(self.directory, "log"), "-o",
                          f"-p {self.port} -h 127.0.0.1 -k {self.directory} -c fsync=off", "start")

    def stop(self):
        self._as_postgres(os.path.join(self.bindir, "pg_ctl"), "-D", self.directory, "-w", "-t", "30", "-m",
                          "immediate", "stop", check=False)

    def start_if_stopped(self):
        status = self._as_postgres(os.path.join(self.bindir, "pg_ctl"), "-D", self.directory, "status", check=False)
        if status.returncode != 0:
            self.start()
