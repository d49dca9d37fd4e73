"""Fixtures: one schema per test session, each test inside a transaction rolled back at its end.

DATABASE_URL / REDIS_URL point the suite at PostgreSQL and Redis; without them it runs on SQLite
in memory with jobs in-process.
"""

import os
import re
from contextlib import contextmanager

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete

from helpdesk import create_app
from helpdesk.config import TestConfig
from helpdesk.extensions import db, limiter

pytest_plugins = ["tests.factories"]


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session always picks its engine; a test's session must use the test's connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


class _FreshGlobalsClient(FlaskClient):
    """Each test holds one app context, which requests reuse; clear `g` before every request so nothing
    request-scoped (Flask-Login's cached user, a token's scope) leaks from one request to the next."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@contextmanager
def scratch_database(name: str, tmp_dir):
    """The URL of an empty database for an app of a test's own: a fresh PostgreSQL database (dropped
    afterwards) when the suite runs on PostgreSQL, so that app meets the same database as production;
    a SQLite file in `tmp_dir` otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_dir}/scratch.sqlite3"
        return
    from sqlalchemy import create_engine, text

    url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)
    # Named after the suite's own database, so two suites on one server never drop each other's.
    suite_db = re.sub(r"[^a-z0-9]+", "_", url.rsplit("/", 1)[-1].split("?")[0].lower())
    database = (f"{suite_db}_scratch_" + re.sub(r"[^a-z0-9]+", "_", name.rsplit(".", 1)[-1].lower()))[:63]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {database}"))
    try:
        yield url.rsplit("/", 1)[0] + "/" + database
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    app.test_client_class = _FreshGlobalsClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _db_transaction(request, app):
    """Run each test inside a transaction that is rolled back, so tests never see each other's rows."""
    own_app = request.node.get_closest_marker("browser") or request.node.get_closest_marker("own_app")
    if "committed_db" in request.fixturenames or own_app:
        # Another connection must see the rows (a real RQ worker), or the test drives its own app.
        with app.app_context():
            yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": _ConnectionBoundSession, "bind": connection, "binds": {},
             "join_transaction_mode": "create_savepoint"}
        )
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def committed_db(app):
    """For tests whose work must be seen by another connection (a real RQ worker): rows are
    really committed, and every table is emptied afterwards."""
    yield db
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(delete(table))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (a real Redis)")
    return url


class AuthActions:
    """Sign a test client in and out through the real login form."""

    PASSWORD = "correct horse battery"

    def __init__(self, client):
        self._client = client

    def login(self, user, password=None):
        from helpdesk.auth.services import set_password

        if password is None:
            set_password(user, self.PASSWORD)
            db.session.flush()
            password = self.PASSWORD
        response = self._client.post("/login", data={"login": user.external_id, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def api_headers():
    """Bearer-token headers for a user: api_headers(user) -> dict."""
    from helpdesk.auth.services import create_token

    def make(user):
        token = create_token(user)
        db.session.flush()
        return {"Authorization": f"Bearer {token}"}

    return make
