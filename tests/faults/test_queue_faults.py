"""#10 "The tests that keep it so": Redis stopped under writes, Redis restarted, a worker SIGKILLed mid-job,
PostgreSQL gone mid-job. Each runs against a redis-server and a PostgreSQL of its own (conftest.py)."""

import glob
import os
import signal
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from helpdesk import jobs
from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.notifications.models import Notification
from helpdesk.schedule import Periodic, tick
from tests.faults.conftest import fault_app, start_worker, wait_until

# These start their own redis-server and PostgreSQL, so the suite's database changes nothing in them: they
# run once, in the PostgreSQL + Redis pass (CI's second), instead of twice.
pytestmark = [pytest.mark.own_app, pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="fault tests run in the PostgreSQL pass (they start servers of their own)")]

NOTE = "tests.faults.fault_jobs.slow_note"


def _coach() -> int:
    user = User(role="coach", name="Fault Coach", external_id=f"fault-coach-{time.time_ns()}")
    db.session.add(user)
    db.session.commit()
    return user.id


def _count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(*where))


def _status(outbox_id: int) -> str | None:
    """The row's status, or None while the database is away."""
    try:
        db.session.expire_all()
        status = db.session.get(OutboxJob, outbox_id).status
        db.session.commit()
        return status
    except SQLAlchemyError:
        db.session.rollback()
        return None


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (RQ's work horse runs in a process group of its own)."""
    children = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.split("/")[2]))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stop(proc):
    """SIGKILL the worker and everything it started (its scheduler, its work horse), mid-whatever."""
    for pid in [proc.pid, *_descendants(proc.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=10)


def test_redis_stopped_under_writes_loses_nothing_and_catches_up_once(own_redis, own_postgres):
    from helpdesk.worker import make_worker

    writes = 40
    with fault_app(own_postgres.url, own_redis.url) as app:
        coach = _coach()
        own_redis.stop()
        for n in range(writes):  # each write commits while Redis is away; its job waits in the outbox
            db.session.add(Notification(user_id=coach, kind="write", text=f"write {n}"))
            jobs.enqueue(NOTE, coach, f"job {n}")
            db.session.commit()
            jobs.dispatch_ready()
        assert _count(Notification.kind == "write") == writes  # 0 lost writes
        assert db.session.scalar(select(func.count()).where(OutboxJob.status == "waiting")) == writes
        own_redis.start()
        assert jobs.sweep_outbox(older_than_seconds=0) == writes
        assert jobs.sweep_outbox(older_than_seconds=0) == 0  # a second sweep hands nothing on twice
        make_worker(app, simple=True).work(burst=True)
        db.session.expire_all()
        assert _count(Notification.kind == "test") == writes  # every job ran, once each
        rows = db.session.execute(select(OutboxJob.status, OutboxJob.attempts)).all()
        assert {tuple(row) for row in rows} == {("finished", 1)} and len(rows) == writes


def test_redis_restarted_runs_no_slot_twice(own_redis, own_postgres):
    entry = Periodic("fault-sweep", "*/5 * * * *", "workers.outbox.sweep_outbox", grace=timedelta(minutes=4))
    now = datetime(2026, 10, 7, 10, 6, tzinfo=UTC)
    with fault_app(own_postgres.url, own_redis.url):
        assert tick(now, schedule=(entry,)) == ["fault-sweep"]
        for restart in range(3):  # Redis restarted without its data, the schedule ticking on
            own_redis.stop()
            own_redis.start()
            assert tick(now + timedelta(seconds=20 * (restart + 1)), schedule=(entry,)) == [], restart
        assert db.session.scalar(select(func.count()).where(OutboxJob.name == entry.job)) == 1


def test_a_worker_killed_mid_job_has_its_job_run_again_with_the_same_result(own_redis, own_postgres):
    """The worker (and its work horse) SIGKILLed: once the job's heartbeat expires (job timeout + 60 s at
    most), RQ's StartedJobRegistry cleanup, run by the periodic outbox sweep (and by workers' maintenance),
    finds the abandoned job and retries it; the next worker runs it."""
    # Retried at once: a scheduled retry would wait for RQ's scheduler lock, which the killed worker held
    # (it expires, and a live worker takes it at its next maintenance, minutes later).
    with fault_app(own_postgres.url, own_redis.url, JOB_RETRY_INTERVALS=(0, 0, 0)) as app:
        coach = _coach()
        row = jobs.enqueue(NOTE, coach, "killed mid-job", 3, timeout=5)
        db.session.commit()
        jobs.dispatch_ready()
        first = start_worker(own_postgres.url, own_redis.url)
        try:
            wait_until(lambda: _status(row.id) == "started", 30, "the first worker to start the job")
            time.sleep(0.5)
        finally:
            _stop(first)  # the worker and its work horse, mid-job
        assert _status(row.id) == "started" and _count(Notification.kind == "test") == 0
        second = start_worker(own_postgres.url, own_redis.url, idle=150)

        def swept_and_finished():
            jobs.sweep_outbox(older_than_seconds=0)  # what the schedule's outbox-sweep does every minute
            return _status(row.id) == "finished"

        try:
            wait_until(swept_and_finished, 150, "the abandoned job to be run again", 2)
        finally:
            _stop(second)
        db.session.expire_all()
        outbox = db.session.get(OutboxJob, row.id)
        assert (outbox.result, outbox.attempts) == ({"noted": "killed mid-job"}, 2)
        assert db.session.scalars(select(Notification.text).where(Notification.kind == "test")).all() == [
            "killed mid-job"]
        del app


def test_a_worker_survives_postgresql_going_away_mid_job(own_redis, own_postgres):
    """#10 item 10: the worker's failure handling wrote to the database and raised into RQ's loop, so the
    worker exited and the job's retry never ran."""
    with fault_app(own_postgres.url, own_redis.url, JOB_RETRY_INTERVALS=(2, 4, 8)):
        coach = _coach()
        worker = start_worker(own_postgres.url, own_redis.url, idle=120)
        try:
            row = jobs.enqueue(NOTE, coach, "through an outage", 2)
            db.session.commit()
            jobs.dispatch_ready()
            wait_until(lambda: _status(row.id) == "started", 30, "the worker to start the job")
            own_postgres.stop()  # mid-job: its commit, and the worker's bookkeeping, meet no database
            time.sleep(3)
            assert worker.poll() is None, "the worker exited while PostgreSQL was away"
            own_postgres.start()
            wait_until(lambda: _status(row.id) == "finished", 60, "the job's retry to succeed", 0.5)
            assert worker.poll() is None
            later = jobs.enqueue(NOTE, coach, "after the outage")
            db.session.commit()
            jobs.dispatch_ready()
            wait_until(lambda: _status(later.id) == "finished", 30, "the worker to pick up again")
        finally:
            _stop(worker)
        assert sorted(db.session.scalars(select(Notification.text).where(Notification.kind == "test"))) == [
            "after the outage", "through an outage"]
