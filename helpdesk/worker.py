"""RQ workers whose jobs run inside an app context, keeping the outbox row of each job up to date.

The outbox row is written by the worker's own (long-lived) process, before and after each job, through
RQ's public `execute_job`: a forked work horse opens a database connection only if its job uses the
database, so a trivial job costs what it costs under plain RQ. Those writes are handed to one bookkeeping
thread of the worker process (`Bookkeeper`), which makes them in the order they happened, a batch at a time,
on one kept connection, so the worker's loop never waits for PostgreSQL or for RQ's record of the outcome
(waiting for them was a third of a trivial job's time; making them one by one, two UPDATEs and two Redis
reads per job, was still half the worker process's CPU: py-spy, bench/queue_bench.py, issue #15). The
writes are conditional (helpdesk.job_states) and never raise into RQ's loop: with PostgreSQL away the
thread logs, goes on, and picks up again when it is back; a write lost that way, or with the process, is
settled later from RQ's own record (`job_states.reconcile`, run by the outbox sweep). The worker waits for
the thread's pending writes when it stops. A job whose worker died is found by RQ's StartedJobRegistry
cleanup and retried (at least once; jobs are idempotent) or failed. The worker process imports each job's
module once (`_import_job_module`), so the work horses inherit it instead of importing it each.
"""

import importlib
import logging
import queue
import sys
import threading
import time

from rq import SimpleWorker, Worker
from sqlalchemy.exc import SQLAlchemyError

from helpdesk.extensions import db

log = logging.getLogger(__name__)


def app_worker_class(app, base=Worker):
    """Return a subclass of `base` that runs every job in a fresh app context of `app`."""

    class AppWorker(base):
        _books = None  # this worker process's Bookkeeper, made at the first job

        def execute_job(self, job, queue):
            _import_job_module(job)
            outbox_id = job.meta.get("outbox_id")
            if outbox_id:
                self._bookkeeper().submit((outbox_id, None))
            try:
                return super().execute_job(job, queue)
            finally:
                if outbox_id:
                    self._bookkeeper().submit((outbox_id, job))

        def _bookkeeper(self) -> "Bookkeeper":
            if self._books is None:
                self._books = Bookkeeper(app)
            return self._books

        def teardown(self):
            # Every state written down before the worker says it is gone (a burst run's caller reads them).
            if self._books is not None and not self.is_horse:
                self._books.close()
                self._books = None
            super().teardown()

        def perform_job(self, job, queue, *args, **kwargs):
            # A forked work horse never uses the parent's pooled connections (extensions.init_pool refuses
            # them at checkout), so it opens one only if its job uses the database.
            with app.app_context():
                try:
                    return super().perform_job(job, queue, *args, **kwargs)
                finally:
                    try:
                        db.session.remove()
                    except SQLAlchemyError:  # the database went away mid-job: RQ has the outcome already
                        log.warning("could not close the job's database session", exc_info=True)

    AppWorker.__name__ = f"App{base.__name__}"
    return AppWorker


class Bookkeeper:
    """The worker process's outbox writes, made by one thread of their own, in the order submitted, on one
    kept autocommit connection (no pool checkout and no pre-ping per write).

    `submit(event)` returns at once: `(outbox_id, None)` when an attempt starts, `(outbox_id, job)` when it
    has ended. The thread takes the events of up to BATCH_SECONDS at a time and writes them together
    (`job_states.record_attempts`: a trivial job's "started" and outcome are one UPDATE, its outcome one
    pipelined Redis read shared by the batch), so a row says "started" at most BATCH_SECONDS late. Waking
    once per batch, not twice per job, matters as much as the round trips: every page the worker process
    touches between two forks is copied (a page fault) while the work horse lives. A database or Redis
    error is logged and the connection replaced; the rows are settled by the outbox sweep. At most
    `MAX_PENDING` events wait (the rest are logged and left to the sweep, so a hung database cannot grow the
    worker's memory); `close()` waits up to `CLOSE_SECONDS` for those pending."""

    MAX_PENDING = 10_000
    CLOSE_SECONDS = 30
    BATCH_SECONDS = 0.1
    MAX_BATCH = 500

    def __init__(self, app):
        self.app = app
        self._pending: queue.Queue = queue.Queue(self.MAX_PENDING)
        self._connection = None
        self._thread = threading.Thread(target=self._run, name="outbox-bookkeeping", daemon=True)
        self._thread.start()

    def submit(self, event) -> None:
        try:
            self._pending.put_nowait(event)
        except queue.Full:
            log.warning("%d job state writes pending; this one is left to the outbox sweep", self.MAX_PENDING)

    def close(self) -> None:
        """Make the pending writes (waiting up to CLOSE_SECONDS), then end the thread and its connection."""
        try:
            self._pending.put(None, timeout=self.CLOSE_SECONDS)
        except queue.Full:
            log.warning("job state writes still pending at stop; the outbox sweep settles them")
            return
        self._thread.join(self.CLOSE_SECONDS)

    def _run(self) -> None:
        closing = False
        while not closing:
            event = self._pending.get()
            if event is None:
                break
            batch, deadline = [event], time.monotonic() + self.BATCH_SECONDS
            while len(batch) < self.MAX_BATCH:
                try:  # wait out the batch's time, then take what else is there without waiting
                    event = self._pending.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if event is None:
                    closing = True
                    break
                batch.append(event)
            self._write(batch)
        self._drop_connection()

    def _write(self, batch: list) -> None:
        from redis.exceptions import RedisError

        from helpdesk.job_states import record_attempts

        with self.app.app_context():
            try:
                if self._connection is None:
                    self._connection = _bookkeeping_connection()
                record_attempts(batch, self._connection)
            except (SQLAlchemyError, RedisError, OSError):
                log.warning("could not record %d job state(s); the outbox sweep settles them later", len(batch),
                            exc_info=True)
                self._drop_connection()
            except Exception:  # noqa: BLE001 - a bug here must not end the thread, or no state is written again
                log.exception("could not record %d job state(s)", len(batch))

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except SQLAlchemyError:
                pass


def _import_job_module(job) -> None:
    """Import the module of `job`'s function in the worker process, once, so the work horses forked after
    inherit it instead of each importing it again (RQ imports it in the horse, which ends with the job:
    for a short job, the import was a large part of the horse's time). An import that fails is left to the
    horse, which fails the job with the real error."""
    try:  # func_name itself may fail (data RQ cannot read): that too is the horse's to report
        module = (job.func_name or "").rpartition(".")[0]
        if module and module not in sys.modules:
            importlib.import_module(module)
    except Exception:  # noqa: BLE001 - the work horse imports it again and records the error on the job
        log.debug("could not import the module of job %s in the worker process", job.id, exc_info=True)


def _bookkeeping_connection():
    """An autocommit connection for outbox rows. On PostgreSQL its commits do not wait for the WAL flush
    (synchronous_commit off): a status lost in a server crash is settled again from RQ by the outbox sweep,
    and waiting for two flushes per job was most of a trivial job's cost."""
    connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET synchronous_commit TO off")
    return connection


def make_worker(app, queues=("default",), simple=False, **worker_options):
    """A worker bound to the app's Redis, listening on `queues`."""
    from helpdesk.jobs import get_queue, get_redis

    with app.app_context():
        connection = get_redis()
        qs = [get_queue(name) for name in queues]
    cls = app_worker_class(app, SimpleWorker if simple else Worker)
    return cls(qs, connection=connection, **worker_options)
