"""The daily sample job run by a real RQ worker against Redis, on committed rows."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk import jobs
from helpdesk.audits.models import AuditSample
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.worker import make_worker


def test_build_daily_sample_through_rq(app, committed_db, redis_url, create_coach, create_client,
                                       create_thread, create_message):
    if db.engine.dialect.name == "sqlite" and db.engine.url.database in (None, "", ":memory:"):
        pytest.skip("a worker needs a database it can share: set DATABASE_URL")
    app.config["REDIS_URL"] = redis_url
    coach = create_coach(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    client = create_client(coach=coach)
    thread = create_thread(client)
    noon = datetime(2026, 10, 5, 12, tzinfo=UTC)
    for i in range(3):
        create_message(thread, coach, sent_at=noon + timedelta(minutes=i))
    db.session.commit()
    jobs.get_queue().empty()
    row = jobs.enqueue("workers.audits.build_daily_sample", "2026-10-05")
    db.session.commit()
    jobs.dispatch_ready()
    make_worker(app, simple=True).work(burst=True)
    db.session.expire_all()
    assert db.session.get(OutboxJob, row.id).status == "finished"
    assert db.session.get(OutboxJob, row.id).result == {"day": "2026-10-05", "added": 2, "coaches": 1}
    assert db.session.scalar(select(func.count()).select_from(AuditSample)) == 2
