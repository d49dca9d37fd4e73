"""Flask extensions: created here, bound to an app in create_app()."""

import functools
import logging
import os
import re
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
from sqlalchemy.exc import DisconnectionError
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


def init_pool(app) -> None:
    """Two rules for every pooled connection of the app's engines, checked at checkout:

    - a connection opened in another process (inherited through fork: an RQ work horse, a preloaded
      gunicorn worker) is never used, nor closed, here: a new one is opened instead (SQLAlchemy's recipe for
      pools and os.fork()), so a forked process never talks over its parent's socket, and a job that does
      not use the database opens nothing;
    - a connection unused for more than DATABASE_PING_IDLE_SECONDS is pinged first, and replaced if the
      server dropped it (a restart, an idle timeout). SQLAlchemy's pool_pre_ping pinged at every checkout: one
      more round trip on every request (8 % of an inbox page under load, issue #15). A connection used within
      the last seconds is not pinged; if the server went away meanwhile, that request fails (a 503, see
      errors.py) and the disconnect invalidates the whole pool, so the next requests reconnect.
    """
    idle_seconds = app.config.get("DATABASE_PING_IDLE_SECONDS")
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        _watch_pool(engine, idle_seconds)
        if engine.dialect.driver == "psycopg":
            _reads_outside_transactions(engine)


def _watch_pool(engine: Engine, idle_seconds: float | None) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _opened(dbapi_connection, record):
        record.info["pid"] = os.getpid()
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record):
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy):
        if record.info.get("pid") != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None  # the parent's: neither use nor close it
            raise DisconnectionError("a pooled connection opened in another process")
        if idle_seconds is None or time.monotonic() - record.info.get("used_at", 0.0) <= idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError("the server dropped an idle connection") from exc
            raise


# What a statement must not contain to run outside a transaction: row locks and transaction-scoped side
# effects (advisory xact locks, NOTIFY, settings) last until the transaction ends, and SELECT INTO makes a table.
_NOT_A_PLAIN_READ = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\bINTO\b"
    r"|\b(pg_advisory|pg_try_advisory|pg_notify|nextval|setval|set_config|txid_current|pg_current_xact_id|lo_)\w*\s*\(",
    re.IGNORECASE)
_OUTSIDE = "read_outside_transaction"  # set in a pooled connection's info while its driver is in autocommit for a read


@functools.lru_cache(maxsize=2048)
def plain_read(statement: str) -> bool:
    """A SELECT that only reads: run on its own it behaves as inside a READ COMMITTED transaction."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _NOT_A_PLAIN_READ.search(statement)


def _reads_outside_transactions(engine: Engine) -> None:
    """A plain read sent while no transaction is open runs without one (the driver in autocommit for it), so a
    request that only reads sends neither BEGIN nor, at its end, ROLLBACK: 3 round trips for an inbox page
    instead of 5 (issue #15). Under READ COMMITTED, PostgreSQL's default, every statement of a transaction
    takes its own snapshot anyway, so the reads see what they saw inside one. The first statement that is not
    a plain read (a write, a SAVEPOINT, SELECT ... FOR UPDATE, an advisory lock) begins a real transaction as
    before, and everything after it runs inside it until commit or rollback: a request that wrote and failed
    still rolls back, and what it read after writing saw its own writes. Connections the code put in
    AUTOCOMMIT itself, or in another isolation level, are left alone."""
    from psycopg import IsolationLevel
    from psycopg.pq import TransactionStatus

    idle, read_committed = TransactionStatus.IDLE, IsolationLevel.READ_COMMITTED

    @event.listens_for(engine, "before_cursor_execute")
    def _choose(conn, cursor, statement, parameters, context, executemany):
        record = conn.connection
        raw = record.dbapi_connection
        if raw.pgconn.transaction_status != idle or "isolation_level" in conn.get_execution_options():
            return  # inside a transaction (the statement belongs to it), or an isolation level the code chose
        outside = record.info.get(_OUTSIDE, False)
        if not outside and (raw.autocommit or raw.isolation_level not in (None, read_committed)):
            return  # the engine's own autocommit or isolation level: not ours to change
        read = plain_read(statement)
        if read != outside:
            raw.autocommit = read
            record.info[_OUTSIDE] = read

    @event.listens_for(engine, "checkin")
    def _back_in_transactions(dbapi_connection, record):
        # Returned to the pool as it came: the driver out of autocommit, for whoever checks it out next.
        if record.info.pop(_OUTSIDE, False) and dbapi_connection is not None and not dbapi_connection.closed:
            dbapi_connection.autocommit = False


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
