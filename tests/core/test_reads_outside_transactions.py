"""Plain reads run outside a transaction on PostgreSQL (extensions._reads_outside_transactions, issue #15):
a request that only reads sends no BEGIN and no ROLLBACK; anything else still runs in a real transaction."""

import os

import psycopg
import pytest
from sqlalchemy import select, text

from helpdesk.extensions import plain_read
from tests.conftest import scratch_database

pytestmark = pytest.mark.own_app

on_postgres = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                 reason="the driver's transactions are psycopg's (PostgreSQL)")


def test_what_counts_as_a_plain_read():
    assert plain_read("SELECT users.id FROM users WHERE users.id = %(id)s")
    assert plain_read("  select 1")
    for statement in ("SELECT threads.id FROM threads WHERE threads.id = 1 FOR UPDATE",
                      "SELECT 1 FROM threads FOR NO KEY UPDATE OF threads", "SELECT * FROM t FOR SHARE",
                      "SELECT pg_advisory_xact_lock(%(key)s)", "SELECT pg_notify('a', 'b')",
                      "SELECT nextval('threads_id_seq')", "SELECT set_config('x.y', '1', true)",
                      "SELECT * INTO copy FROM threads", "UPDATE users SET name = 'x'", "SAVEPOINT sa_1",
                      "WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d", "INSERT INTO t VALUES (1)"):
        assert not plain_read(statement), statement


@pytest.fixture
def pg_app(tmp_path):
    from helpdesk import create_app
    from helpdesk.extensions import db

    with scratch_database("reads_outside", tmp_path) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture
def commands(monkeypatch):
    """The transaction commands psycopg sends (BEGIN, ROLLBACK, COMMIT), as they are sent."""
    sent = []
    real = psycopg.Connection._exec_command

    def recording(self, command, *args, **kwargs):
        sent.append(bytes(command).split()[0].decode() if isinstance(command, bytes | str) else str(command))
        return real(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "_exec_command", recording)
    return sent


def _status(app):
    from helpdesk.extensions import db

    return db.session.connection().connection.dbapi_connection.info.transaction_status


@on_postgres
def test_a_page_that_only_reads_sends_no_begin_and_no_rollback(pg_app, commands):
    """Seen failing on the old code: BEGIN before the sign-in's query and ROLLBACK at the end of each page."""
    from helpdesk.auth.models import User
    from helpdesk.auth.services import set_password
    from helpdesk.extensions import db

    with pg_app.app_context():
        coach = User(role="coach", name="Read Only", email="ro@example.test", external_id="ro-coach")
        set_password(coach, "a long enough password")
        db.session.add(coach)
        db.session.commit()
        db.session.remove()
    client = pg_app.test_client()
    assert client.post("/login", data={"login": "ro-coach", "password": "a long enough password"}).status_code == 302
    client.get("/inbox?view=waiting")  # the sign-in's first use is written down (an UPDATE, committed)
    del commands[:]
    for view in ("waiting", "unread", "all"):
        response = client.get(f"/inbox?view={view}")
        assert response.status_code == 200 and 'data-testid="count-all"' in response.get_data(as_text=True)
    assert commands == []


@on_postgres
def test_a_write_begins_a_real_transaction_and_a_failure_rolls_it_back(pg_app, commands):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    with pg_app.app_context():
        assert db.session.scalar(select(User.id).limit(1)) is None  # a read: no transaction
        assert _status(pg_app) == psycopg.pq.TransactionStatus.IDLE and commands == []
        db.session.add(User(role="coach", name="Never Saved", email="never@example.test"))
        db.session.flush()  # the INSERT begins a transaction
        assert commands == ["BEGIN"] and _status(pg_app) == psycopg.pq.TransactionStatus.INTRANS
        # A read after the write is inside the transaction: it sees the write.
        assert db.session.scalar(select(User.name).where(User.email == "never@example.test")) == "Never Saved"
        db.session.rollback()
        assert commands == ["BEGIN", "ROLLBACK"]
        assert db.session.scalar(select(User.id).limit(1)) is None
        db.session.remove()


@on_postgres
def test_a_row_lock_is_held_until_the_transaction_ends(pg_app, commands):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    with pg_app.app_context():
        db.session.add(User(role="coach", name="Locked", email="locked@example.test"))
        db.session.commit()
        del commands[:]
        db.session.scalar(select(User).where(User.email == "locked@example.test").with_for_update())
        assert commands == ["BEGIN"] and _status(pg_app) == psycopg.pq.TransactionStatus.INTRANS
        locked = db.session.scalar(text("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() "
                                        "AND locktype = 'transactionid'"))
        assert locked == 1  # the FOR UPDATE took a transaction id: the lock lasts until commit
        db.session.commit()
        db.session.remove()


@on_postgres
def test_connections_the_code_puts_in_autocommit_stay_so_and_the_pool_gets_them_back_clean(pg_app):
    from helpdesk.extensions import db

    with pg_app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT 1"))
            conn.execute(text("CREATE TABLE scratch_autocommit (id int)"))
            assert conn.connection.dbapi_connection.autocommit is True
            assert conn.connection.dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # a plain read: the driver in autocommit for it
            raw = conn.connection.dbapi_connection
        assert raw.autocommit is False  # back in the pool as it came out
        with db.engine.connect() as conn:
            conn.execute(text("INSERT INTO scratch_autocommit VALUES (1)"))
            assert conn.connection.dbapi_connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
            conn.rollback()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM scratch_autocommit")).scalar() == 0
