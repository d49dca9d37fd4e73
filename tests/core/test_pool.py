"""The pool's two rules (extensions.init_pool): ping only a connection left idle, never use a forked parent's."""

import os
import time

import pytest
from sqlalchemy import text

from tests.conftest import scratch_database

pytestmark = pytest.mark.own_app

on_postgres = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="backend pids and terminated connections are PostgreSQL's")


@pytest.fixture
def pool_app(tmp_path):
    from helpdesk import create_app
    from helpdesk.extensions import db

    with scratch_database("pool", tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "DATABASE_PING_IDLE_SECONDS": 0.3})
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _query(app, sql: str = "SELECT 1"):
    from helpdesk.extensions import db

    with app.app_context():
        try:
            return db.session.scalar(text(sql))
        finally:
            db.session.remove()


def test_a_connection_in_use_is_not_pinged_and_an_idle_one_is(pool_app, monkeypatch):
    """Issue #15: pool_pre_ping pinged at every checkout, one more round trip per request. Seen failing
    on the old code (2 pings: every checkout but the first, fresh one)."""
    from helpdesk.extensions import db

    with pool_app.app_context():
        dialect = db.engine.dialect
    pings = []
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    for _ in range(3):
        _query(pool_app)
    assert pings == []
    time.sleep(0.4)
    _query(pool_app)
    assert pings == [1]


@on_postgres
def test_an_idle_connection_the_server_dropped_is_replaced_without_an_error(pool_app):
    first = _query(pool_app, "SELECT pg_backend_pid()")
    from sqlalchemy import create_engine

    with pool_app.app_context():
        url = pool_app.config["SQLALCHEMY_DATABASE_URI"]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    admin.dispose()
    time.sleep(0.4)
    second = _query(pool_app, "SELECT pg_backend_pid()")
    assert second != first


@on_postgres
def test_a_forked_process_opens_its_own_connection_and_leaves_the_parents_alone(pool_app):
    """An RQ work horse, or a preloaded gunicorn worker: with the parent's pooled connection the child
    would talk over the parent's socket. Seen failing on the old code, whose pool had no such rule (the
    worker disposed the pool in each work horse instead): the child answered with the parent's backend pid."""
    parent = _query(pool_app, "SELECT pg_backend_pid()")
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.write(write, str(_query(pool_app, "SELECT pg_backend_pid()")).encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    reported = os.read(read, 100).decode()
    os.close(read)
    assert reported.isdigit() and int(reported) != parent
    assert _query(pool_app, "SELECT pg_backend_pid()") == parent  # the parent's connection still works
