"""Fault tests: each starts its own redis-server / PostgreSQL on a spare loopback port, so stopping them
disturbs nothing else, and every wait is bounded. Skipped when the binaries are missing."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager

import pytest

from tests.servers import PostgresServer, RedisServer, spare_port, wait_until  # noqa: F401 (fault tests import them from here)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def own_redis(tmp_path):
    """A running redis-server of this test's own; stopped at the end."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(str(tmp_path))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_cluster():
    """A running PostgreSQL cluster of this module's own (initdb is slow: one per module); removed at the end."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins or shutil.which("runuser") is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl (and runuser) are not installed")
    directory = tempfile.mkdtemp(prefix="helpdesk-faults-pg-")
    shutil.chown(directory, "postgres")
    server = PostgresServer(os.path.dirname(bins[-1]), os.path.join(directory, "data"))
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


class OwnDatabase:
    """A fresh database of one test in the module's cluster; stop()/start() act on the whole cluster."""

    def __init__(self, cluster, name):
        self.cluster, self.url = cluster, cluster.url.rsplit("/", 1)[0] + "/" + name

    def stop(self):
        self.cluster.stop()

    def start(self):
        self.cluster.start()


@pytest.fixture
def own_postgres(postgres_cluster, request):
    """A running PostgreSQL of the test's own (a fresh database in the module's cluster)."""
    from sqlalchemy import create_engine, text

    name = "faults_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    admin = create_engine(postgres_cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    yield OwnDatabase(postgres_cluster, name)
    postgres_cluster.start_if_stopped()


@contextmanager
def fault_app(database_url: str, redis_url: str, **settings):
    """An app of the test's own on `database_url` (tables created) and `redis_url`, inside an app context."""
    from helpdesk import create_app
    from helpdesk.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "faults", "SQLALCHEMY_DATABASE_URI": database_url,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, "REDIS_URL": redis_url,
                      "JOB_RETRY_INTERVALS": (1, 1, 1), "JOBS_RAISE": False, **settings})
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


WORKER = """
import sys
from helpdesk import create_app
from helpdesk.worker import make_worker
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "REDIS_URL": sys.argv[2], "SECRET_KEY": "faults",
                  "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}})
print("ready", flush=True)
make_worker(app, maintenance_interval=int(sys.argv[3])).work(with_scheduler=True, max_idle_time=float(sys.argv[4]))
"""


def start_worker(database_url: str, redis_url: str, maintenance_interval: int = 600, idle: float = 60):
    """`helpdesk worker` as production runs it (forking, with RQ's scheduler), in a process group of its own."""
    proc = subprocess.Popen([sys.executable, "-c", WORKER, database_url, redis_url, str(maintenance_interval),
                             str(idle)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONPATH": ROOT}, start_new_session=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc
