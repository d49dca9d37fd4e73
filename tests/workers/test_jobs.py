"""Jobs: in-process, through a real RQ worker on Redis, the schedule's single enqueue, SLA warnings once."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from helpdesk import jobs
from helpdesk.clients.models import Assignment, ProfitRecord
from helpdesk.extensions import db
from helpdesk.rankings.snapshot import current_snapshot
from helpdesk.schedule import Periodic, claim_key, latest_due, tick

T = datetime(2026, 11, 1, tzinfo=UTC)


def _small_month(create_coach, create_client, create_thread, create_message):
    coach = create_coach(external_id="co-rq")
    client = create_client(coach=coach, joined_on=date(2026, 1, 10))     # tenure 8-9 in October: 3%
    db.session.add(ProfitRecord(client_id=client.id, date=date(2026, 10, 9), amount=Decimal("250.50"),
                                kind="profit"))                          # 250.50 * 3% = 7.515 -> 7.52
    thread = create_thread(client)
    create_message(thread, client, sent_at=datetime(2026, 10, 5, 10, tzinfo=UTC))
    create_message(thread, coach, sent_at=datetime(2026, 10, 6, 12, tzinfo=UTC))   # 26 h: a breach
    return coach


def test_ranking_job_in_process_is_idempotent(create_coach, create_client, create_thread, create_message):
    from workers.rankings import compute_ranking

    _small_month(create_coach, create_client, create_thread, create_message)
    first = compute_ranking("2026-10", T.isoformat())
    second = compute_ranking("2026-10", T.isoformat())
    assert first["coaches"] == second["coaches"] == 1
    (row,) = current_snapshot("2026-10").rows
    assert (row.samples, row.breaches, row.base_compensation) == (1, 1, Decimal("7.52"))
    assert row.mean_response_seconds == Decimal(26 * 3600)


def test_ranking_job_through_a_real_rq_worker(app, committed_db, redis_url, create_coach, create_client,
                                              create_thread, create_message):
    from helpdesk.worker import make_worker

    _small_month(create_coach, create_client, create_thread, create_message)
    db.session.commit()
    jobs.get_queue().empty()
    row = jobs.enqueue("workers.rankings.compute_ranking", "2026-10", T.isoformat())
    db.session.commit()
    jobs.dispatch_ready()
    make_worker(app, simple=True).work(burst=True)
    db.session.expire_all()
    outbox = db.session.get(jobs.OutboxJob, row.id)
    assert (outbox.status, outbox.progress) == ("finished", 100), outbox.error
    assert outbox.result["coaches"] == 1
    (ranked,) = current_snapshot("2026-10").rows
    assert (ranked.coach, ranked.base_compensation, ranked.breaches) == ("co-rq", Decimal("7.52"), 1)
    assert jobs.get_queue().fetch_job(outbox.rq_job_id).meta["progress"] == 100


def test_schedule_enqueues_each_due_run_once(app, redis_url, create_user):
    from helpdesk.jobs import get_redis

    entry = Periodic("test-sweep", "*/5 * * * *", "workers.outbox.sweep_outbox", grace=timedelta(minutes=4))
    now = datetime(2026, 10, 7, 10, 6, tzinfo=UTC)
    assert latest_due(entry, now) == datetime(2026, 10, 7, 10, 5, tzinfo=UTC)
    redis = get_redis()
    redis.delete(claim_key(entry, latest_due(entry, now)))
    jobs.get_queue().empty()
    # Two schedulers (two workers) ticking at the same moment: only one enqueues.
    assert tick(redis, now, schedule=(entry,)) == ["test-sweep"]
    assert tick(redis, now + timedelta(seconds=20), schedule=(entry,)) == []
    # Past the grace period nothing is replayed; the next due instant is claimed afresh.
    assert tick(redis, datetime(2026, 10, 7, 10, 9, 30, tzinfo=UTC), schedule=(entry,)) == []
    later = datetime(2026, 10, 7, 10, 10, tzinfo=UTC)
    redis.delete(claim_key(entry, later))
    assert tick(redis, later, schedule=(entry,)) == ["test-sweep"]
    names = db.session.scalars(select(jobs.OutboxJob.name).where(jobs.OutboxJob.name == entry.job)).all()
    assert len(names) == 2
    jobs.get_queue().empty()
    redis.delete(claim_key(entry, later), claim_key(entry, latest_due(entry, now)))


def test_declared_schedule_names_real_jobs():
    from helpdesk.jobs import resolve
    from helpdesk.schedule import SCHEDULE

    names = {entry.name for entry in SCHEDULE}
    assert {"sla-waits", "ranking-current-month", "ranking-previous-month", "audit-daily-sample",
            "outbox-sweep"} <= names
    for entry in SCHEDULE:
        assert callable(resolve(entry.job))
    prev = next(e for e in SCHEDULE if e.name == "ranking-previous-month")
    assert latest_due(prev, datetime(2026, 11, 20, tzinfo=UTC)) == datetime(2026, 11, 2, 6, tzinfo=UTC)


def test_worker_killed_mid_ranking_leaves_the_previous_snapshot(app, committed_db, redis_url, create_coach,
                                                                 create_client, create_thread, create_message):
    from helpdesk.rankings.snapshot import compute_snapshot
    from helpdesk.worker import make_worker

    coach = _small_month(create_coach, create_client, create_thread, create_message)
    previous = compute_snapshot("2026-10", T)
    db.session.commit()
    previous_id = previous.id
    # New profit since: a new ranking would pay 30.00 more (3%), if it ever got stored.
    client_id = db.session.scalar(select(Assignment.client_id).where(Assignment.coach_id == coach.id))
    db.session.add(ProfitRecord(client_id=client_id, date=date(2026, 10, 20), amount=Decimal("1000.00"),
                                kind="profit"))
    db.session.commit()

    jobs.get_queue().empty()
    row = jobs.enqueue("tests.workers.kill_jobs.rank_then_die", "2026-10", T.isoformat())
    db.session.commit()
    jobs.dispatch_ready()
    make_worker(app).work(burst=True)  # a forking worker: its work horse is SIGKILLed mid-ranking

    db.session.expire_all()
    kept = current_snapshot("2026-10")
    assert kept.id == previous_id
    (ranked,) = kept.rows
    assert ranked.base_compensation == Decimal("7.52")
    outbox = db.session.get(jobs.OutboxJob, row.id)
    assert outbox.status == "failed"
    jobs.get_queue().empty()


def test_embedded_schedule_claims_each_due_run_once():
    from helpdesk.schedule import LocalClaims

    claims = LocalClaims()
    assert claims.set("helpdesk:schedule:x:2026-11-01T06:00", "now", nx=True, ex=60)
    assert claims.set("helpdesk:schedule:x:2026-11-01T06:00", "now", nx=True, ex=60) is None
    assert claims.set("helpdesk:schedule:x:2026-11-01T06:05", "now", nx=True, ex=60)


def test_embedded_tick_runs_due_jobs_in_process(app, create_user):
    from helpdesk.schedule import LocalClaims

    saved = app.config.get("REDIS_URL")
    app.config["REDIS_URL"] = None
    try:
        sweep = Periodic("outbox-sweep", "* * * * *", "workers.outbox.sweep_outbox")
        now = datetime(2026, 11, 1, 6, 0, 30, tzinfo=UTC)
        claims = LocalClaims()
        assert tick(claims, now=now, schedule=(sweep,)) == ["outbox-sweep"]
        assert tick(claims, now=now, schedule=(sweep,)) == []
        row = db.session.scalar(select(jobs.OutboxJob).where(jobs.OutboxJob.name == "workers.outbox.sweep_outbox"))
        assert row.status == "finished"
    finally:
        app.config["REDIS_URL"] = saved
