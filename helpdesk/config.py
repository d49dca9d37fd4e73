"""Configuration read from the environment, with a test variant."""

import os
import secrets
from decimal import Decimal
from pathlib import Path

from helpdesk.limits import MAX_CONTENT_LENGTH


def _instance_secret(instance_path: str) -> str:
    """Return the secret key kept in instance/, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings for a running desk; every value can be overridden from the environment."""

    HELPDESK_ENV = "development"
    SQLALCHEMY_DATABASE_URI = None  # filled in by load(): DATABASE_URL or instance/helpdesk.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection unused this long is pinged before use (extensions.init_pool; None: never).
    DATABASE_PING_IDLE_SECONDS: float | None = 2.0
    REDIS_URL = None
    SECRET_KEY = None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    SESSION_IDLE_MINUTES = 8 * 60  # a sign-in unused this long is ended on the server (0: never)

    MAX_CONTENT_LENGTH = MAX_CONTENT_LENGTH  # a larger request body is a 413 (JSON in the API)

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"  # per address
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per minute;50 per hour"  # per account named in the attempt

    API_TITLE = "helpdesk"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = None
    OPENAPI_REDOC_PATH = None

    # Business settings (../shared/spec/metrics.md); defaults are the spec's.
    NEW_CLIENT_MONTHS = 3
    NEW_CLIENT_WEIGHT = 10
    SLA_HOURS = 24
    TARGET_HOURS = 9
    WARN_HOURS = 20
    MODERATION_MIN_DECISIONS = 10
    MODERATION_CLAIM_MINUTES = 15  # issue #12: how long a moderator's claim on a listing lasts
    MODERATION_MAX_CLAIMS = 10  # issue #12: claims one moderator may hold at once
    MODERATION_HIDE_SCORE = 1.5  # issue #12: weighted reports that hide a live listing (moderation/reports.py)
    BONUS_MULTIPLIERS = {"bottom": Decimal("0.10"), "middle": Decimal("0.20"), "top": Decimal("0.30")}
    AUDIT_SAMPLE_PER_COACH = 2
    AUDIT_SAMPLE_PER_NEW_COACH = 4
    INBOX_PAGE_SIZE = 25
    JOB_TIMEOUT = 600
    OUTBOX_SWEEP_SECONDS = 60
    JOB_RETRY_INTERVALS = (10, 30, 60)  # seconds before RQ's retries of a failed job (one per entry)

    # Email (helpdesk/mail): MAIL_URL smtp://host:port (unset: .eml files under instance/mail/); BASE_URL is
    # where the links in an email point.
    MAIL_URL = None
    MAIL_FROM = "Success Coach Client Center <desk@localhost>"
    BASE_URL = "http://127.0.0.1:5000"
    TICKET_FIRST_RESPONSE_HOURS = 24  # a ticket with no first response by then stands out and warns once

    # Live pages (helpdesk/live): a stream ends after LIVE_STREAM_SECONDS (the browser reconnects and is
    # replayed what it missed), sends a heartbeat every LIVE_HEARTBEAT_SECONDS, and one process holds at most
    # LIVE_MAX_STREAMS (keep it below gunicorn's --threads, so streams never take every thread).
    LIVE_STREAM_SECONDS = 50
    LIVE_HEARTBEAT_SECONDS = 15
    LIVE_MAX_STREAMS = 24
    # Requests that run the app's code at once in one process (helpdesk/gate.py; 0 turns the gate off). Python
    # runs one thread at a time, so two are enough for one to compute while the other waits for the database:
    # under bench/inbox_load.py 2 served 51-57 % of the floor, 4 served 48-52 % (2026-12-02, bench/RESULTS.md).
    REQUEST_CONCURRENCY = 2

    @classmethod
    def load(cls, instance_path: str) -> dict:
        """Return this configuration as a dict, with the environment applied."""
        values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        env = os.environ
        values["HELPDESK_ENV"] = env.get("HELPDESK_ENV", values["HELPDESK_ENV"])
        for key in ("LIVE_STREAM_SECONDS", "LIVE_HEARTBEAT_SECONDS", "LIVE_MAX_STREAMS", "REQUEST_CONCURRENCY"):
            if env.get(key, "").isdigit():
                values[key] = int(env[key])
        if env.get("SESSION_IDLE_MINUTES", "").isdigit():
            values["SESSION_IDLE_MINUTES"] = int(env["SESSION_IDLE_MINUTES"])
        database_url = env.get("DATABASE_URL")
        if database_url:
            # Heroku-style postgres:// and plain postgresql:// both mean psycopg 3 here.
            for prefix in ("postgres://", "postgresql://"):
                if database_url.startswith(prefix):
                    database_url = "postgresql+psycopg://" + database_url[len(prefix):]
            values["SQLALCHEMY_DATABASE_URI"] = database_url
        elif not values["SQLALCHEMY_DATABASE_URI"]:
            Path(instance_path).mkdir(parents=True, exist_ok=True)
            values["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(instance_path) / "helpdesk.sqlite3")
        values["REDIS_URL"] = env.get("REDIS_URL") or values["REDIS_URL"]
        for key in ("MAIL_URL", "MAIL_FROM", "BASE_URL"):
            values[key] = env.get(key) or values[key]
        if values["REDIS_URL"]:
            values["RATELIMIT_STORAGE_URI"] = values["REDIS_URL"]
        production = values["HELPDESK_ENV"] == "production"
        secret = env.get("SECRET_KEY") or values["SECRET_KEY"]
        if not secret:
            if production:
                raise RuntimeError("SECRET_KEY must be set when HELPDESK_ENV=production")
            secret = _instance_secret(instance_path)
        values["SECRET_KEY"] = secret
        values["SESSION_COOKIE_SECURE"] = production
        values["REMEMBER_COOKIE_SECURE"] = production
        if values["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            # No pool_pre_ping: an idle connection is pinged instead (DATABASE_PING_IDLE_SECONDS). The pool
            # keeps one connection per gunicorn thread (gunicorn.conf.py), a few more for bursts.
            values["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": 10, "max_overflow": 5}
        return values


def production_warnings(config) -> list[str]:
    """What a production desk is configured to do less well than it should (logged at start-up)."""
    if config.get("HELPDESK_ENV") != "production":
        return []
    warnings = []
    if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        warnings.append("rate limits are kept in memory: each process counts on its own, so N workers allow N "
                        "times the sign-in attempts; set REDIS_URL to share them")
    if not config.get("REDIS_URL"):
        warnings.append("live updates and presence are kept in this process: with several workers a page hears "
                        "only what its own worker served; set REDIS_URL to share them")
    return warnings


class TestConfig(Config):
    """Settings for the test suite: database and Redis from the environment, SQLite in memory otherwise."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "1000 per minute"
    ARGON2_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    LIVE_STREAM_SECONDS = 1  # a test that reads a whole stream waits this long
    LIVE_HEARTBEAT_SECONDS = 0.5
    REQUEST_CONCURRENCY = 0  # in-process tests start requests from threads of their own; no gate
