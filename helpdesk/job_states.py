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
from sqlalchemy import literal, update

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

    return (update(OutboxJob).where(OutboxJob.id == outbox_id, OutboxJob.status.in_(_states(came_before(status))))
            .values(status=status, **values))


def _states(states) -> list:
    """Statuses as bound values of their own, not one expanding IN parameter: the statements also run as
    an executemany (`record_attempts`), which cannot expand one."""
    return [literal(state) for state in states]


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

    _execute(note_error_stmt(outbox_id, error=error[-2000:]), conn)


def note_error_stmt(outbox_id, **values):
    """The UPDATE of a row that is not over (neither finished nor failed) with `values`."""
    from helpdesk.jobs import OutboxJob

    return update(OutboxJob).where(OutboxJob.id == outbox_id, OutboxJob.status.not_in(_states(TERMINAL))).values(**values)


def outcome_change(status, latest, retries_left, after_attempt: bool = False) -> tuple[str | None, dict] | None:
    """What RQ's record of a job (its `status`, `latest` Result and `retries_left`) makes of its outbox row:
    (the status to move it forward to, the values written with it), (None, {"error": ...}) for an attempt
    that failed and is retried (noted when asked `after_attempt`), or None when the job is not over."""
    from rq.job import JobStatus
    from rq.results import Result

    if status == JobStatus.FINISHED:
        result = latest.return_value if latest is not None and latest.type == Result.Type.SUCCESSFUL else None
        return "finished", {"progress": 100, "finished_at": utcnow(), "result": result if isinstance(result, dict) else None}
    error = latest.exc_string if latest is not None and latest.type == Result.Type.FAILED else None
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return "failed", {"finished_at": utcnow(), "error": (error or "the job's process ended without finishing")[-2000:]}
    if after_attempt and status in (JobStatus.SCHEDULED, JobStatus.QUEUED):
        return None, {"error": f"attempt failed; RQ retries it ({retries_left} retry(ies) left)"}
    return None


def record_outcome(job, outbox_id: int, after_attempt: bool = False, conn=None) -> str | None:
    """Copy what RQ knows of the job to the outbox row; return the row's new status, or None when the job
    is not over (it waits, runs, or waits for a retry: noted when called `after_attempt`)."""
    change = outcome_change(job.get_status(refresh=True), job.latest_result(), job.retries_left, after_attempt)
    if change is None:
        return None
    status, values = change
    if status is None:
        note_error(outbox_id, values["error"], conn)
        return None
    advance(outbox_id, status, conn, **values)
    return status


def record_attempts(events: list, conn) -> int:
    """The worker's writes for a run of jobs, in as few round trips as they allow (issue #15: a trivial job's
    bookkeeping was a third of its time). `events` are, in the order they happened, `(outbox_id, None)` for
    an attempt that started and `(outbox_id, job)` for one that ended. Ended jobs' outcomes are read from
    RQ in one pipelined call; an attempt that started and ended within the run is one UPDATE ("started"
    and the outcome at once); consecutive UPDATEs of the same form go as one executemany. Every write is
    the conditional one of `advance` / `note_error`, made in order. Returns how many rows changes were sent."""
    outcomes = _read_outcomes([job for _, job in events if job is not None])
    changes: list[tuple[tuple, dict]] = []
    for n, (outbox_id, job) in enumerate(events):
        if job is None:
            if n + 1 < len(events) and events[n + 1][0] == outbox_id and events[n + 1][1] is not None:
                continue  # started, and ended just after: written with its outcome
            changes.append((("started", (), True), {"b_id": outbox_id}))
            continue
        started = n > 0 and events[n - 1] == (outbox_id, None)
        change = outcome_change(*outcomes[job.id], after_attempt=True)
        if change is None:
            if started:
                changes.append((("started", (), True), {"b_id": outbox_id}))
            continue
        status, values = change
        if status is None and started:
            status = "started"  # the failed attempt RQ retries: started, with the error noted
        changes.append(((status, tuple(sorted(values)), started),
                        {"b_id": outbox_id, **{f"b_{k}": v for k, v in values.items()}}))
    run: list[dict] = []
    for n, (shape, params) in enumerate(changes):
        run.append(params)
        if n + 1 == len(changes) or changes[n + 1][0] != shape:
            conn.execute(_batch_stmt(*shape), run)
            run = []
    return len(changes)


def _read_outcomes(jobs: list) -> dict:
    """job id -> (status, latest Result, retries_left) as RQ has them now, for all `jobs` in one round trip."""
    if not jobs:
        return {}
    from rq.job import JobStatus
    from rq.results import Result

    pipe = jobs[0].connection.pipeline(transaction=False)
    for job in jobs:
        pipe.hmget(job.key, "status", "retries_left")
        pipe.xrevrange(Result.get_key(job.id), "+", "-", count=1)
    replies = pipe.execute()
    outcomes = {}
    for job, (status, retries_left), latest in zip(jobs, replies[0::2], replies[1::2], strict=True):
        result = None
        if latest:
            result_id, payload = latest[0]
            result = Result.restore(job.id, result_id.decode(), payload, connection=job.connection,
                                    serializer=job.serializer)
        outcomes[job.id] = (JobStatus(status.decode()) if status else None, result,
                            int(retries_left) if retries_left is not None else job.retries_left)
    return outcomes


_BATCH_STMTS: dict = {}


def _batch_stmt(status: str | None, names: tuple, new_attempt: bool):
    """The executemany form of `advance` (or of `note_error` when `status` is None), with bound parameters
    b_id and b_<name>; made once per form."""
    key = (status, names, new_attempt)
    if key not in _BATCH_STMTS:
        from sqlalchemy import bindparam

        from helpdesk.jobs import OutboxJob

        columns = OutboxJob.__table__.c
        values = {name: bindparam(f"b_{name}", type_=columns[name].type) for name in names}
        if new_attempt:
            values["attempts"] = OutboxJob.attempts + 1
        outbox_id = bindparam("b_id", type_=columns["id"].type)
        _BATCH_STMTS[key] = (note_error_stmt(outbox_id, **values) if status is None
                             else advance_stmt(outbox_id, status, **values))
    return _BATCH_STMTS[key]


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
