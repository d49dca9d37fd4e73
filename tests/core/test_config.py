import pytest

from helpdesk import create_app
from helpdesk.config import Config


def test_defaults_to_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    values = Config.load(str(tmp_path))
    assert values["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/helpdesk.sqlite3"
    assert values["REDIS_URL"] is None and values["RATELIMIT_STORAGE_URI"] == "memory://"
    # The generated secret is kept and reused.
    assert (tmp_path / "secret_key").exists()
    assert Config.load(str(tmp_path))["SECRET_KEY"] == values["SECRET_KEY"]


def test_production_requires_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config.load(str(tmp_path))


def test_production_cookies_are_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    values = Config.load(str(tmp_path))
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("REDIS_URL", "redis://h:6379/3")
    values = Config.load(str(tmp_path))
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert values["RATELIMIT_STORAGE_URI"] == "redis://h:6379/3"


def test_create_app_does_no_database_io(tmp_path, monkeypatch):
    # An unreachable database must not matter until something is asked of it.
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("HELPDESK_INSTANCE", str(tmp_path))
    app = create_app()
    assert "inbox" in app.blueprints or app.blueprints
