"""helpdesk.jobs: enqueue after commit, in-process without Redis, outbox when Redis is away."""

import pytest
from sqlalchemy import select

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.notifications.models import Notification

NOTE = "tests.core.sample_jobs.note"


def _notes(user):
    return db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)).all()


@pytest.fixture
def no_redis(app):
    saved = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = None
    yield
    app.config["REDIS_URL"] = saved


def test_job_runs_in_process_only_after_commit(no_redis, create_user):
    user = create_user("coach")
    row = jobs.enqueue(NOTE, user.id, "hello")
    jobs.dispatch_ready()
    assert _notes(user) == []  # not committed yet: nothing ran
    db.session.commit()
    jobs.dispatch_ready()
    assert _notes(user) == ["hello"]
    db.session.refresh(row)
    assert (row.status, row.progress, row.result) == ("finished", 100, {"noted": "hello"})


def test_rolled_back_work_enqueues_nothing(no_redis, create_user):
    user = create_user("coach")
    db.session.commit()
    jobs.enqueue(NOTE, user.id, "never")
    db.session.rollback()
    jobs.dispatch_ready()
    assert _notes(user) == []
    assert db.session.scalar(select(OutboxJob).where(OutboxJob.args.is_not(None))) is None


def test_failed_in_process_job_is_recorded(app, no_redis, create_user):
    user = create_user("coach")
    row = jobs.enqueue("tests.core.sample_jobs.fail", user.id)
    db.session.commit()
    app.config["JOBS_RAISE"] = False
    try:
        jobs.dispatch_ready()
    finally:
        app.config["JOBS_RAISE"] = True
    db.session.refresh(row)
    assert row.status == "failed" and "always fails" in row.error


def test_job_names_must_be_dotted():
    with pytest.raises(ValueError):
        jobs.enqueue("nodots")


def test_redis_down_keeps_the_job_and_the_sweep_hands_it_on_later(app, committed_db, create_user, redis_url):
    user = create_user("coach")
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        row = jobs.enqueue(NOTE, user.id, "later")
        db.session.commit()
        jobs.dispatch_ready()  # must not raise: the request that enqueued still succeeds
        db.session.refresh(row)
        assert row.status == "waiting"
    finally:
        app.config["REDIS_URL"] = redis_url
    queue = jobs.get_queue()
    queue.empty()
    assert jobs.sweep_outbox(older_than_seconds=0) == 1
    db.session.refresh(row)
    assert row.status == "queued"
    assert queue.fetch_job(row.rq_job_id) is not None
    queue.empty()


def test_job_through_a_real_rq_worker(app, committed_db, create_user, redis_url):
    from helpdesk.worker import make_worker

    user = create_user("coach")
    jobs.get_queue().empty()
    row = jobs.enqueue(NOTE, user.id, "from the worker")
    db.session.commit()
    jobs.dispatch_ready()
    db.session.refresh(row)
    assert row.status == "queued"
    make_worker(app, simple=True).work(burst=True)
    db.session.expire_all()
    assert _notes(user) == ["from the worker"]
    row = db.session.get(OutboxJob, row.id)
    assert (row.status, row.progress) == ("finished", 100)
    rq_job = jobs.get_queue().fetch_job(row.rq_job_id)
    assert rq_job.meta["progress"] == 50 and rq_job.meta["progress_text"] == "half way"


def test_embedded_sweep_runs_a_job_left_waiting(no_redis, create_user):
    user = create_user("coach")
    row = jobs.OutboxJob(name=NOTE, args=[user.id, "left behind"])
    db.session.add(row)
    db.session.commit()  # committed, but the process "stopped" before dispatching it
    assert jobs.sweep_outbox(older_than_seconds=0) == 1
    db.session.refresh(row)
    assert row.status == "finished" and _notes(user) == ["left behind"]
