"""Flask extensions: created here, bound to an app in create_app()."""

import logging
import sqlite3
import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import MemoryStorage, RedisStorage, Storage
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from helpdesk.errors import JsonApi

# Named constraints so Alembic migrations work the same on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
migrate = Migrate()
api = JsonApi()

log = logging.getLogger(__name__)


class RedisOrMemoryStorage(Storage):
    """Rate-limit counters in Redis, falling back to this process's memory while Redis does not answer.

    Flask-Limiter's own in-memory fallback drops every route's limits for a global list, so the sign-in
    limit would vanish exactly when Redis is down; this keeps the same limits, counted per process (a
    warning says so), and goes back to Redis once it answers again (tried every RETRY_SECONDS).
    Used for `fallback+redis://` URIs (see init_limiter); fixed-window strategy, Flask-Limiter's default.
    """

    STORAGE_SCHEME = ["fallback+redis", "fallback+rediss"]
    RETRY_SECONDS = 15

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        self._redis = RedisStorage(uri.removeprefix("fallback+"), **options)
        self._memory = MemoryStorage()
        self._down_since: float | None = None

    @property
    def base_exceptions(self):
        return ()

    def _call(self, name: str, *args, **kwargs):
        if self._down_since is not None and time.monotonic() - self._down_since < self.RETRY_SECONDS:
            return getattr(self._memory, name)(*args, **kwargs)
        try:
            result = getattr(self._redis, name)(*args, **kwargs)
        except Exception as exc:  # any Redis error: the counters must not take sign-in down
            if self._down_since is None:
                log.warning("rate limit storage unreachable (%s): limits are counted per process until it answers",
                            exc.__class__.__name__)
            self._down_since = time.monotonic()
            return getattr(self._memory, name)(*args, **kwargs)
        if self._down_since is not None:
            log.warning("rate limit storage answers again: limits are shared again")
            self._down_since = None
        return result

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def check(self) -> bool:
        return True  # always usable: the memory fallback answers when Redis does not

    def reset(self) -> int | None:
        self._memory.reset()
        return self._call("reset")

    def clear(self, key: str) -> None:
        self._memory.clear(key)
        return self._call("clear", key)


def init_limiter(app) -> None:
    """Bind the limiter; a Redis storage gets the per-process fallback of RedisOrMemoryStorage."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri.startswith(("redis://", "rediss://")):
        app.config["RATELIMIT_STORAGE_URI"] = "fallback+" + uri
    limiter.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself,
    # and enforce foreign keys as PostgreSQL does.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
