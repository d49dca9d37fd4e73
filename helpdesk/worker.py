"""RQ workers whose jobs run inside an app context, keeping the outbox row of each job up to date.

The outbox row is written by the worker's own (long-lived) process, before and after each job, through
RQ's public `execute_job`: a forked work horse opens a database connection only if its job uses the
database, so a trivial job costs what it costs under plain RQ. Those writes are conditional
(helpdesk.job_states) and never raise into RQ's loop: with PostgreSQL away the worker logs, goes on, and
picks up again when it is back; the row is settled later from RQ's own record (`job_states.reconcile`,
run by the outbox sweep). A job whose worker died is found by RQ's StartedJobRegistry cleanup and retried
(at least once; jobs are idempotent) or failed.
"""

import logging
import os

from rq import SimpleWorker, Worker
from sqlalchemy.exc import SQLAlchemyError

from helpdesk.extensions import db

log = logging.getLogger(__name__)


def app_worker_class(app, base=Worker):
    """Return a subclass of `base` that runs every job in a fresh app context of `app`."""

    parent_pid = os.getpid()

    class AppWorker(base):
        _bookkeeping = None  # the worker process's own autocommit connection for outbox rows

        def execute_job(self, job, queue):
            outbox_id = job.meta.get("outbox_id")
            if outbox_id:
                self._record(outbox_id, _started)
            try:
                return super().execute_job(job, queue)
            finally:
                if outbox_id:
                    self._record(outbox_id, lambda outbox_id, conn: _outcome(job, outbox_id, conn))

        def _record(self, outbox_id, write) -> None:
            """One bookkeeping write on the kept connection (no pool checkout, no pre-ping per job); on a
            database or Redis error log and go on, with a new connection next time."""
            from redis.exceptions import RedisError

            with app.app_context():
                try:
                    if self._bookkeeping is None:
                        self._bookkeeping = _bookkeeping_connection()
                    write(outbox_id, self._bookkeeping)
                except (SQLAlchemyError, RedisError, OSError):
                    log.warning("could not record the state of job %s; the outbox sweep settles it later",
                                outbox_id, exc_info=True)
                    self._drop_bookkeeping()

        def _drop_bookkeeping(self) -> None:
            connection, self._bookkeeping = self._bookkeeping, None
            if connection is not None:
                try:
                    connection.invalidate()
                except SQLAlchemyError:
                    pass

        def perform_job(self, job, queue, *args, **kwargs):
            with app.app_context():
                if os.getpid() != parent_pid:
                    # A forked work horse must not use the parent's pooled connections; a new pool costs
                    # nothing until the job uses the database.
                    db.engine.dispose(close=False)
                try:
                    return super().perform_job(job, queue, *args, **kwargs)
                finally:
                    try:
                        db.session.remove()
                    except SQLAlchemyError:  # the database went away mid-job: RQ has the outcome already
                        log.warning("could not close the job's database session", exc_info=True)

    AppWorker.__name__ = f"App{base.__name__}"
    return AppWorker


def _bookkeeping_connection():
    """An autocommit connection for outbox rows. On PostgreSQL its commits do not wait for the WAL flush
    (synchronous_commit off): a status lost in a server crash is settled again from RQ by the outbox sweep,
    and waiting for two flushes per job was most of a trivial job's cost."""
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO off")
    return connection


def _started(outbox_id: int, conn) -> None:
    from helpdesk.job_states import advance

    advance(outbox_id, "started", conn)


def _outcome(job, outbox_id: int, conn) -> None:
    from helpdesk.job_states import record_outcome

    record_outcome(job, outbox_id, after_attempt=True, conn=conn)


def make_worker(app, queues=("default",), simple=False, **worker_options):
    """A worker bound to the app's Redis, listening on `queues`."""
    from helpdesk.jobs import get_queue, get_redis

    with app.app_context():
        connection = get_redis()
        qs = [get_queue(name) for name in queues]
    cls = app_worker_class(app, SimpleWorker if simple else Worker)
    return cls(qs, connection=connection, **worker_options)
