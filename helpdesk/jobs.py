"""The one door to the job queue.

`enqueue("workers.module.function", *ids)` records an outbox row in the caller's transaction. Only
after that transaction commits is the job handed on: to RQ when REDIS_URL is set, or run in-process
otherwise. If Redis cannot be reached the row stays, and `sweep_outbox` (a periodic job) hands it on
later, so no work is lost. The row's status only moves forward (helpdesk.job_states). Jobs are named by dotted strings, so this package
never imports `workers`.
"""

import contextvars
import importlib
import logging
from datetime import timedelta

from flask import current_app, has_request_context
from sqlalchemy import JSON, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)

_PENDING = "helpdesk_outbox_pending"
_READY = "helpdesk_outbox_ready"
_current_outbox_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("outbox_id", default=None)


class OutboxJob(db.Model):
    """A job as the desk knows it: waiting to be handed on, queued, running, finished or failed."""

    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    timeout: Mapped[int | None] = mapped_column()
    # waiting (not yet handed on), queued, started, finished, failed
    status: Mapped[str] = mapped_column(String(10), default="waiting", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    progress_text: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int | None] = mapped_column()
    created_at = mapped_column(UTCDateTime, default=utcnow, index=True)
    enqueued_at = mapped_column(UTCDateTime, nullable=True)
    finished_at = mapped_column(UTCDateTime, nullable=True)

    @property
    def rq_job_id(self) -> str:
        return f"outbox-{self.id}"


def enqueue(name: str, *ids, queue: str = "default", timeout: int | None = None, requested_by=None) -> OutboxJob:
    """Record job `name(*ids)` to run once the current transaction commits; return its outbox row."""
    if "." not in name:
        raise ValueError(f"job name must be a dotted path, got {name!r}")
    row = OutboxJob(name=name, args=list(ids), queue=queue, timeout=timeout,
                    requested_by_id=getattr(requested_by, "id", requested_by))
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(row.id)
    return row


@event.listens_for(Session, "after_commit")
def _promote_pending(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop(_PENDING, None)


def dispatch_ready() -> None:
    """Hand on the jobs whose transactions have committed. Called after each request and command."""
    ready = db.session.info.pop(_READY, None)
    if not ready:
        return
    if current_app.config.get("REDIS_URL"):
        _push_all([db.session.get(OutboxJob, outbox_id) for outbox_id in ready])
    else:
        for outbox_id in ready:
            run_in_process(outbox_id)


def _push(row: OutboxJob | None) -> bool:
    """Put one outbox row on its RQ queue; False (it stays waiting) if Redis is unreachable."""
    if row is None or row.status != "waiting":
        return False
    from redis.exceptions import RedisError
    from rq import Retry

    intervals = list(current_app.config["JOB_RETRY_INTERVALS"])
    try:
        get_queue(row.queue).enqueue(
            row.name, *row.args, job_id=row.rq_job_id,
            job_timeout=row.timeout or current_app.config["JOB_TIMEOUT"],
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            result_ttl=86_400,  # long enough for the outbox to be reconciled with RQ (job_states.reconcile)
            meta={"outbox_id": row.id, "progress": 0},
        )
    except (RedisError, OSError) as exc:
        log.warning("Redis unreachable, job %s stays in the outbox: %s", row.id, exc)
        return False
    return True


def _push_all(rows: list) -> int:
    """Push rows to RQ, then mark those pushed "queued" and commit. The UPDATE is conditional: a worker
    may already have started or even finished a job (on its own connection) before this commits."""
    pushed = [row.id for row in rows if _push(row)]
    if pushed:
        db.session.execute(update(OutboxJob).where(OutboxJob.id.in_(pushed), OutboxJob.status == "waiting")
                           .values(status="queued", enqueued_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()
    return len(pushed)


def sweep_outbox(older_than_seconds: int | None = None) -> int:
    """Hand on outbox rows left waiting (Redis was down when they committed); return how many."""
    age = older_than_seconds if older_than_seconds is not None else current_app.config["OUTBOX_SWEEP_SECONDS"]
    cutoff = utcnow() - timedelta(seconds=age)
    rows = db.session.scalars(
        select(OutboxJob).where(OutboxJob.status == "waiting", OutboxJob.created_at <= cutoff).order_by(OutboxJob.id)
    ).all()
    if not current_app.config.get("REDIS_URL"):
        # Embedded mode: a job left waiting (the process stopped before running it) runs here.
        ids = [row.id for row in rows]
        db.session.commit()
        for outbox_id in ids:
            run_in_process(outbox_id)
        return len(ids)
    pushed = _push_all(rows)
    _reconcile_stale(cutoff)
    return pushed


def _reconcile_stale(cutoff, limit: int = 500) -> None:
    """Settle rows still queued or started since before `cutoff` against what RQ knows (job_states.reconcile)."""
    from helpdesk.job_states import reconcile

    ids = db.session.scalars(
        select(OutboxJob.id).where(OutboxJob.status.in_(("queued", "started")), OutboxJob.created_at <= cutoff)
        .order_by(OutboxJob.id).limit(limit)).all()
    for outbox_id in ids:
        reconcile(outbox_id)
    db.session.commit()


def resolve(name: str):
    """Import the job function named by a dotted path."""
    module_name, _, func_name = name.rpartition(".")
    return getattr(importlib.import_module(module_name), func_name)


def run_in_process(outbox_id: int) -> None:
    """Run one outbox job now, in this process and app context, recording how it ended."""
    row = db.session.get(OutboxJob, outbox_id)
    if row is None or row.status in ("finished", "started"):
        return
    row.status, row.attempts = "started", row.attempts + 1
    db.session.commit()
    token = _current_outbox_id.set(outbox_id)
    try:
        result = resolve(row.name)(*row.args)
    except Exception as exc:  # the job failed; the request that enqueued it has already succeeded
        db.session.rollback()
        log.exception("job %s (%s) failed", outbox_id, row.name)
        row = db.session.get(OutboxJob, outbox_id)
        row.status, row.error, row.finished_at = "failed", f"{type(exc).__name__}: {exc}"[:2000], utcnow()
        db.session.commit()
        if current_app.config.get("TESTING") and current_app.config.get("JOBS_RAISE", True):
            raise
        return
    finally:
        _current_outbox_id.reset(token)
    row = db.session.get(OutboxJob, outbox_id)
    row.status, row.progress, row.finished_at = "finished", 100, utcnow()
    row.result = result if isinstance(result, dict) else None
    db.session.commit()


def current_outbox_id() -> int | None:
    """The outbox id of the job running now, in-process or under RQ, or None."""
    outbox_id = _current_outbox_id.get()
    if outbox_id is not None:
        return outbox_id
    from rq import get_current_job

    job = get_current_job()
    return job.meta.get("outbox_id") if job is not None else None


def report_progress(percent: int, text: str | None = None) -> None:
    """Record a running job's progress in RQ's job.meta and in its outbox row, for pages to poll."""
    from rq import get_current_job

    percent = max(0, min(100, int(percent)))
    job = get_current_job()
    if job is not None:
        job.meta.update(progress=percent, progress_text=text)
        job.save_meta()
        if db.engine.dialect.name == "sqlite":
            # A second SQLite connection cannot write while the job's transaction is open: under RQ on
            # SQLite, progress is in job.meta only (the outbox row gets 100 when the job ends).
            return
    outbox_id = current_outbox_id()
    if outbox_id is None:
        return
    stmt = update(OutboxJob).where(OutboxJob.id == outbox_id).values(progress=percent, progress_text=text)
    if job is not None:
        # Under RQ the job's own transaction is still open: write progress on a connection of its own.
        with db.engine.begin() as conn:
            conn.execute(stmt)
    else:
        db.session.execute(stmt)


_redis_clients: dict = {}


def get_redis():
    """The Redis connection for REDIS_URL, created on first use (never at import)."""
    from redis import Redis

    url = current_app.config["REDIS_URL"]
    if url not in _redis_clients:
        _redis_clients[url] = Redis.from_url(url)
    return _redis_clients[url]


def get_queue(name: str = "default"):
    from rq import Queue

    return Queue(name, connection=get_redis())


def init_app(app) -> None:
    """Hand on committed jobs at the end of every request and app context."""
    from helpdesk import schedule  # noqa: F401 - its ScheduleClaim model belongs to the schema

    @app.after_request
    def _dispatch_after_request(response):
        if has_request_context():
            dispatch_ready()
        return response

    @app.teardown_appcontext
    def _dispatch_at_teardown(exc):
        # registry.has(): an app context that never used the database (a trivial job) makes no session here
        if exc is None and db.session.registry.has() and db.session.info.get(_READY):
            try:
                dispatch_ready()
            except Exception:
                log.exception("could not hand on jobs at teardown")
