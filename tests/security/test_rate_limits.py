"""Sign-in limits: per address and per account, and sign-in keeps working while Redis is down
(issue 10 item 8, issue 11 item 9)."""

import logging
import shutil

import pytest

from helpdesk.config import production_warnings
from helpdesk.extensions import db, limiter
from tests.servers import RedisServer


def _post(client, login, address):
    return client.post("/login", data={"login": login, "password": "nope nope nope"},
                       environ_base={"REMOTE_ADDR": address}).status_code


def test_one_account_is_limited_across_addresses(app, client, create_user, monkeypatch):
    user = create_user("coach")
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "3 per minute")
    codes = [_post(client, user.external_id, f"10.0.0.{n}") for n in range(1, 6)]
    assert codes == [401, 401, 401, 429, 429]
    # Another account from those addresses is not held back by this one.
    assert _post(client, create_user("coach").external_id, "10.0.0.1") == 401


def test_one_address_is_limited_across_accounts(app, client, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [_post(client, create_user("coach").external_id, "10.0.1.1") for _ in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_production_warns_when_limits_are_in_memory():
    assert production_warnings({"HELPDESK_ENV": "production", "RATELIMIT_STORAGE_URI": "memory://"})
    assert not production_warnings({"HELPDESK_ENV": "production", "RATELIMIT_STORAGE_URI": "redis://h/1",
                                    "REDIS_URL": "redis://h/1"})
    assert any("live updates" in w for w in production_warnings({"HELPDESK_ENV": "production",
                                                                 "RATELIMIT_STORAGE_URI": "redis://h/1"}))
    assert not production_warnings({"HELPDESK_ENV": "development", "RATELIMIT_STORAGE_URI": "memory://"})


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a spare loopback port (tests/servers.py): (url, stop)."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(str(tmp_path))
    server.start()
    # The Limiter object is shared by every app: put the suite's storage back afterwards.
    saved = (limiter._storage, limiter._limiter)
    yield server.url, server.stop
    server.stop()
    limiter._storage, limiter._limiter = saved


@pytest.mark.own_app
def test_sign_in_keeps_working_while_redis_is_down(own_redis, tmp_path, caplog):
    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.auth.services import set_password
    from tests.conftest import scratch_database

    url, stop = own_redis
    with scratch_database("redis_down", tmp_path) as database:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SQLALCHEMY_ENGINE_OPTIONS": {}, "TESTING": True,
                          "REDIS_URL": None, "RATELIMIT_STORAGE_URI": url, "SECRET_KEY": "redis-down",
                          "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "4 per minute",
                          "LOGIN_ACCOUNT_RATE_LIMIT": "1000 per minute", "PROPAGATE_TEST_ERRORS": False,
                          "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
        try:
            with app.app_context():
                db.create_all()
                user = User(role="coach", name="Cora", external_id="co-redis")
                db.session.add(user)
                set_password(user, "correct horse battery")
                db.session.commit()
            good = {"login": "co-redis", "password": "correct horse battery"}
            assert app.test_client().post("/login", data=good).status_code == 302
            stop()
            with caplog.at_level(logging.WARNING):
                codes = [app.test_client().post("/login", data=good).status_code for _ in range(4)]
            assert codes == [302, 302, 302, 302]
            assert "per process" in caplog.text
            # Limits still hold, counted afresh in this process: 4 per minute from this address.
            assert app.test_client().post("/login", data=good).status_code == 429
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
