"""The daily sample and claims."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.audits import queue
from helpdesk.audits.models import AuditSample
from helpdesk.audits.services import AuditError
from helpdesk.extensions import db

DAY = date(2026, 10, 5)
NOON = datetime(2026, 10, 5, 12, tzinfo=UTC)
OLD = datetime(2025, 1, 1, tzinfo=UTC)


def _per_coach(day=DAY):
    return dict(db.session.execute(select(AuditSample.coach_id, func.count()).where(AuditSample.sample_day == day)
                                   .group_by(AuditSample.coach_id)).all())


@pytest.fixture
def replies(create_coach, create_client, create_thread, create_message):
    """Veteran coach v (created 2025) with 5 replies on DAY, new coach n (created 10 days before) with 6,
    and a veteran with 1; plus client messages and replies on other days that must never be sampled."""

    def make():
        vet = create_coach(created_at=OLD)
        new = create_coach(created_at=NOON - timedelta(days=10))
        few = create_coach(created_at=OLD)
        out = {}
        for coach, n in ((vet, 5), (new, 6), (few, 1)):
            client = create_client(coach=coach)
            thread = create_thread(client)
            create_message(thread, client, sent_at=NOON - timedelta(hours=1))
            create_message(thread, coach, sent_at=NOON - timedelta(days=1))  # another day
            out[coach.id] = [create_message(thread, coach, sent_at=NOON + timedelta(minutes=i)) for i in range(n)]
        return vet, new, few, out

    return make


def test_sample_takes_the_configured_number_per_coach(app, replies):
    vet, new, few, _ = replies()
    result = queue.build_sample(DAY)
    # AUDIT_SAMPLE_PER_COACH 2, AUDIT_SAMPLE_PER_NEW_COACH 4; the third coach wrote only 1 reply.
    assert _per_coach() == {vet.id: 2, new.id: 4, few.id: 1}
    assert result == {"day": "2026-10-05", "added": 7, "coaches": 3}
    sampled_days = db.session.scalars(select(AuditSample.message_id)).all()
    assert len(set(sampled_days)) == 7


def test_sample_is_idempotent(replies):
    vet, new, few, _ = replies()
    queue.build_sample(DAY)
    first = set(db.session.scalars(select(AuditSample.message_id)))
    assert queue.build_sample(DAY)["added"] == 0
    assert set(db.session.scalars(select(AuditSample.message_id))) == first


def test_new_coach_counts_from_first_message(create_coach, create_client, create_thread, create_message):
    """Created recently but wrote their first reply 100 days ago: not new any more."""
    coach = create_coach(created_at=NOON - timedelta(days=3))
    client = create_client(coach=coach)
    thread = create_thread(client)
    create_message(thread, coach, sent_at=NOON - timedelta(days=100))
    for i in range(5):
        create_message(thread, coach, sent_at=NOON + timedelta(minutes=i))
    queue.build_sample(DAY)
    assert _per_coach() == {coach.id: 2}


def test_never_samples_an_audited_reply(replies, create_user):
    from helpdesk.audits.feedback import create_audit

    vet, new, few, out = replies()
    auditor = create_user("auditor")
    for message in out[vet.id][:4]:
        create_audit(auditor, message, "green")
    queue.build_sample(DAY)
    sampled = set(db.session.scalars(select(AuditSample.message_id).where(AuditSample.coach_id == vet.id)))
    assert sampled == {out[vet.id][4].id}


def test_claims_are_exclusive(replies, create_user):
    replies()
    queue.build_sample(DAY)
    first, second = create_user("auditor"), create_user("auditor")
    item = queue.open_items(first)[0]
    queue.claim(first, item.id)
    assert queue.claim(first, item.id).claimed_by_id == first.id  # claiming again is harmless
    with pytest.raises(AuditError) as err:
        queue.claim(second, item.id)
    assert err.value.status == 409
    assert item.id not in [i.id for i in queue.open_items(second)]
    assert queue.open_items(first)[0].id == item.id  # mine first


def test_auditing_a_sampled_reply_takes_it_off_the_queue(replies, create_user):
    from helpdesk.audits.feedback import create_audit

    replies()
    queue.build_sample(DAY)
    auditor = create_user("auditor")
    item = queue.open_items(auditor)[0]
    create_audit(auditor, item.message, "green")
    assert item.id not in [i.id for i in queue.open_items(auditor)]
    with pytest.raises(AuditError):
        queue.claim(create_user("auditor"), item.id)


def test_daily_job_defaults_to_yesterday(app, replies, monkeypatch):
    import workers.audits

    replies()
    # "Yesterday" is decided by the queue's default_sample_day, which the job and the CLI share.
    monkeypatch.setattr(queue, "utcnow", lambda: NOON + timedelta(days=1))
    assert workers.audits.build_daily_sample()["added"] == 7
