"""Where an outbox job stands, which only ever moves forward: waiting → queued → started → finished | failed.

Three writers record a job's state: the process that hands it to RQ ("queued"), the worker ("started",
then the outcome) and the reconciliation below. They may run in any order (a fast job can finish before
its pusher commits), so every write is a conditional UPDATE that only moves a row forward in `ORDER`:
a late "queued" never overwrites "finished". "started" may be written again: a retry is a new attempt.
A failed attempt that RQ will retry is not "failed": the row stays "started" with the error noted, so
whoever waits on it (`helpdesk bonus compute`) learns the real outcome.
"""

import logging
import time

from flask import current_app
from sqlalchemy import update

from helpdesk.extensions import db
from helpdesk.types import utcnow

log = logging.getLogger(__name__)

ORDER = {"waiting": 0, "queued": 1, "started": 2, "finished": 3, "failed": 3}
TERMINAL = ("finished", "failed")


def came_before(status: str) -> list[str]:
    """The states a row may be in for `status` to be written: earlier ones, and "started" again."""
    rank = ORDER[status]
    return [s for s, r in ORDER.items() if r < rank or (s == status == "started")]


def advance_stmt(outbox_id: int, status: str, **values):
    """The conditional UPDATE moving one row forward to `status` (with `values`), or doing nothing."""
    from helpdesk.jobs import OutboxJob

    return (update(OutboxJob).where(OutboxJob.id == outbox_id, OutboxJob.status.in_(came_before(status)))
            .values(status=status, **values))


def _execute(stmt, conn=None):
    """Run one UPDATE on `conn` (an autocommit connection the caller keeps) or a connection of its own."""
    if conn is not None:
        return conn.execute(stmt)
    with db.engine.begin() as own:
        return own.execute(stmt)


def advance(outbox_id: int, status: str, conn=None, **values) -> bool:
    """Move the row forward to `status`, outside the caller's transaction (the worker's view); True if it moved."""
    from helpdesk.jobs import OutboxJob

    if status == "started":
        values.setdefault("attempts", OutboxJob.attempts + 1)
    return _execute(advance_stmt(outbox_id, status, **values), conn).rowcount == 1


def note_error(outbox_id: int, error: str, conn=None) -> None:
    """Record a failed attempt's error on a row that is not over (RQ retries it)."""
    from helpdesk.jobs import OutboxJob

    _execute(update(OutboxJob).where(OutboxJob.id == outbox_id, OutboxJob.status.not_in(TERMINAL))
             .values(error=error[-2000:]), conn)


def record_outcome(job, outbox_id: int, after_attempt: bool = False, conn=None) -> str | None:
    """Copy what RQ knows of the job to the outbox row; return the row's new status, or None when the job
    is not over (it waits, runs, or waits for a retry: noted when called `after_attempt`)."""
    from rq.job import JobStatus
    from rq.results import Result

    status = job.get_status(refresh=True)
    if status == JobStatus.FINISHED:
        result = job.return_value()
        advance(outbox_id, "finished", conn, progress=100, finished_at=utcnow(),
                result=result if isinstance(result, dict) else None)
        return "finished"
    latest = job.latest_result()
    error = latest.exc_string if latest is not None and latest.type == Result.Type.FAILED else None
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        advance(outbox_id, "failed", conn, finished_at=utcnow(),
                error=(error or "the job's process ended without finishing")[-2000:])
        return "failed"
    if after_attempt and status in (JobStatus.SCHEDULED, JobStatus.QUEUED):
        note_error(outbox_id, f"attempt failed; RQ retries it ({job.retries_left} retry(ies) left)", conn)
    return None


def reconcile(outbox_id: int) -> str:
    """Bring one row that says queued or started in line with RQ: recorded what a worker could not write
    (the database was away), and fail a job RQ no longer has (lost with Redis's data, or abandoned by a
    dead worker with no retry left: RQ's StartedJobRegistry cleanup fails or retries those)."""
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from helpdesk.jobs import OutboxJob, get_queue, get_redis

    row = db.session.get(OutboxJob, outbox_id)
    if row is None or row.status not in ("queued", "started") or not current_app.config.get("REDIS_URL"):
        return row.status if row is not None else "failed"
    try:
        get_queue(row.queue).started_job_registry.cleanup()
        job = Job.fetch(row.rq_job_id, connection=get_redis())
        outcome = record_outcome(job, outbox_id)
    except NoSuchJobError:
        advance(outbox_id, "failed", finished_at=utcnow(), error="the queue lost this job (Redis's data was lost?)")
        outcome = "failed"
    except (RedisError, OSError) as exc:
        log.warning("cannot check job %s with RQ: %s", outbox_id, exc)
        outcome = None
    return outcome or row.status


def wait_for(outbox_id: int, timeout: float, poll: float = 0.5):
    """Wait until the job is finished or failed, as RQ really ended it; return its row (still queued or
    started if `timeout` passed first)."""
    from helpdesk.jobs import OutboxJob

    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        row = db.session.get(OutboxJob, outbox_id)
        if row.status in TERMINAL or time.monotonic() > deadline:
            return row
        if row.status != "waiting" and reconcile(outbox_id) in TERMINAL:
            db.session.expire_all()
            return db.session.get(OutboxJob, outbox_id)
        db.session.commit()  # end the read's transaction, so the next poll sees the worker's writes
        time.sleep(poll)
