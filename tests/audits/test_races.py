"""Two writers at once on audits, disputes and calibration marks (PostgreSQL, real sessions, a barrier)."""

import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.audits import disputes, feedback, queue
from helpdesk.audits.models import Audit, AuditSample
from helpdesk.auth.models import User
from helpdesk.calibration import services as calibration
from helpdesk.calibration.models import CalibrationItem
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.notifications.models import Notification
from tests.audits.race import at_once, needs_postgresql

ROUNDS = 10


def _replies(create_coach, create_client, create_thread, create_message, count, leader=None):
    coach = create_coach(team_leader=leader)
    thread = create_thread(create_client(coach=coach))
    return coach, [create_message(thread, coach) for _ in range(count)]


def test_one_auditor_submitting_twice_at_once_stores_one_audit(app, committed_db, create_user, create_coach,
                                                               create_client, create_thread, create_message):
    """#10 item 3: the same auditor's double submit is one audit and one 409, never two audits."""
    needs_postgresql()
    auditor = create_user("auditor")
    _, replies = _replies(create_coach, create_client, create_thread, create_message, ROUNDS)
    db.session.commit()
    auditor_id, reply_ids = auditor.id, [r.id for r in replies]
    db.session.remove()

    def submit(message_id):
        def prepare():
            who, message = db.session.get(User, auditor_id), db.session.get(Message, message_id)
            message.author, message.thread  # noqa: B018 - loaded before the barrier
            return lambda: feedback.create_audit(who, message, "yellow", "Say where the button is.") and "stored"
        return prepare

    doubled = []
    for message_id in reply_ids:
        outcomes = at_once(app, [submit(message_id), submit(message_id)])
        stored = db.session.scalar(select(func.count()).select_from(Audit).where(Audit.message_id == message_id))
        db.session.remove()
        if stored != 1 or outcomes.count(409) != 1:
            doubled.append((message_id, outcomes, stored))
    assert doubled == [], f"{len(doubled)}/{ROUNDS} rounds wrong: {doubled}"


def test_leader_and_admin_resolving_at_once_one_wins_and_the_coach_is_told_what_is_stored(
        app, committed_db, create_user, create_team_leader, create_coach, create_client, create_thread,
        create_message):
    """#10 item 2: one resolution stored, the other caller 409, one notification saying what is stored."""
    needs_postgresql()
    leader, admin, auditor = create_team_leader(), create_user("admin"), create_user("auditor")
    coach, replies = _replies(create_coach, create_client, create_thread, create_message, ROUNDS, leader=leader)
    audit_ids = []
    for reply in replies:
        audit = feedback.create_audit(auditor, reply, "yellow", "Explain.", at=reply.sent_at + timedelta(hours=1))
        disputes.dispute(coach, audit, "It was fine.")
        audit_ids.append(audit.id)
    db.session.commit()
    leader_id, admin_id, coach_id = leader.id, admin.id, coach.id
    db.session.remove()

    def decide(user_id, audit_id, resolution):
        def prepare():
            who, audit = db.session.get(User, user_id), db.session.get(Audit, audit_id)
            audit.coach, audit.message  # noqa: B018 - loaded before the barrier
            return lambda: disputes.resolve(who, audit, resolution).resolution
        return prepare

    wrong = []
    for audit_id in audit_ids:
        outcomes = at_once(app, [decide(leader_id, audit_id, "upheld"), decide(admin_id, audit_id, "overturned")])
        stored = db.session.get(Audit, audit_id).resolution
        told = db.session.scalars(select(Notification.text).where(
            Notification.user_id == coach_id, Notification.dedupe_key == f"resolved-{audit_id}")).all()
        db.session.remove()
        winners = [o for o in outcomes if o in ("upheld", "overturned")]
        if winners != [stored] or 409 not in outcomes or len(told) != 1 or not told[0].endswith(stored):
            wrong.append((audit_id, outcomes, stored, told))
    assert wrong == [], f"{len(wrong)}/{ROUNDS} rounds wrong: {wrong}"


def test_two_leaders_marking_one_reply_at_once_get_one_item_and_a_409(app, committed_db, create_user,
                                                                      create_team_leader, create_coach,
                                                                      create_client, create_thread, create_message):
    """#10 item 4: the second mark is a 409 (it was an unhandled IntegrityError, a 500)."""
    needs_postgresql()
    first, second = create_user("admin"), create_user("admin")
    create_user("auditor"), create_user("auditor")  # an item of two reviews needs two auditors
    _, replies = _replies(create_coach, create_client, create_thread, create_message, ROUNDS)
    db.session.commit()
    ids, reply_ids = (first.id, second.id), [r.id for r in replies]
    db.session.remove()

    def mark(user_id, message_id):
        def prepare():
            who, message = db.session.get(User, user_id), db.session.get(Message, message_id)
            message.author  # noqa: B018 - loaded before the barrier
            return lambda: calibration.mark(who, message, 2) and "stored"
        return prepare

    wrong = []
    for message_id in reply_ids:
        outcomes = at_once(app, [mark(ids[0], message_id), mark(ids[1], message_id)])
        stored = db.session.scalar(select(func.count()).select_from(CalibrationItem)
                                   .where(CalibrationItem.message_id == message_id))
        db.session.remove()
        if stored != 1 or outcomes.count(409) != 1:
            wrong.append((message_id, outcomes))
    assert wrong == [], f"{len(wrong)}/{ROUNDS} rounds wrong: {wrong}"


def test_a_claim_and_another_auditors_audit_at_once_never_both_succeed(app, committed_db, create_user,
                                                                       create_coach, create_client,
                                                                       create_thread, create_message):
    """#11 item 4 under concurrency: either the claim holds (the audit is refused) or the audit took the
    reply first (the claim is refused), never a claim for one auditor and the audit by another."""
    needs_postgresql()
    holder, other = create_user("auditor"), create_user("auditor")
    coach, replies = _replies(create_coach, create_client, create_thread, create_message, ROUNDS)
    samples = [AuditSample(message_id=r.id, coach_id=coach.id, sample_day=r.sent_at.date()) for r in replies]
    db.session.add_all(samples)
    db.session.commit()
    pairs, ids = [(s.id, s.message_id) for s in samples], (holder.id, other.id)
    db.session.remove()

    def claim(item_id):
        def prepare():
            who = db.session.get(User, ids[0])
            return lambda: queue.claim(who, item_id) and "stored"
        return prepare

    def audit(message_id):
        def prepare():
            who, message = db.session.get(User, ids[1]), db.session.get(Message, message_id)
            message.author, message.thread  # noqa: B018 - loaded before the barrier
            return lambda: feedback.create_audit(who, message, "green") and "stored"
        return prepare

    wrong = []
    for item_id, message_id in pairs:
        outcomes = at_once(app, [claim(item_id), audit(message_id)])
        if sorted(outcomes, key=str) != [409, "stored"]:
            wrong.append((item_id, outcomes))
    assert wrong == [], f"{len(wrong)}/{ROUNDS} rounds wrong: {wrong}"


def test_two_sample_runs_at_once_take_each_coachs_quota_once(app, committed_db, create_coach, create_client,
                                                             create_thread, create_message):
    """The schedule's daily sample and an admin's `helpdesk audits sample` for the same day at once: both
    succeed, and each coach's replies of the day are sampled up to the quota once, not twice or with an
    error (both read the same candidates, then both inserted the same replies)."""
    needs_postgresql()
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(ROUNDS)]
    coaches = [create_coach(created_at=datetime(2025, 1, 1, tzinfo=UTC)) for _ in range(3)]
    for coach in coaches:
        thread = create_thread(create_client(coach=coach))
        for day in days:
            for minute in range(5):
                create_message(thread, coach, sent_at=datetime.combine(day, time(12, minute), tzinfo=UTC))
    db.session.commit()
    quota = app.config["AUDIT_SAMPLE_PER_COACH"]
    wrong = []
    for day in days:
        outcomes = at_once(app, [lambda d=day: lambda: queue.build_sample(d)["added"]] * 2)
        per_coach = dict(db.session.execute(
            select(AuditSample.coach_id, func.count()).where(AuditSample.sample_day == day)
            .group_by(AuditSample.coach_id)).all())
        db.session.remove()
        if sorted(outcomes, key=str) != [0, quota * len(coaches)] or set(per_coach.values()) != {quota}:
            wrong.append((day.isoformat(), outcomes, per_coach))
    assert wrong == [], f"{len(wrong)}/{ROUNDS} rounds wrong: {wrong}"


@pytest.mark.own_app
def test_two_sample_runs_at_once_on_sqlite_wait_for_each_other(tmp_path):
    """SQLite (the embedded default, jobs in-process): the second run waits for the first's write lock instead
    of failing with "database is locked" after reading what the first was about to change."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("SQLite's own file; the PostgreSQL race is the test above")
    from helpdesk import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/race.sqlite3", "SECRET_KEY": "race",
                      "TESTING": True})
    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(5)]
    with app.app_context():
        db.create_all()
        coach = User(external_id="co-race", role="coach", name="Ray Coach", created_at=datetime(2025, 1, 1, tzinfo=UTC))
        client = User(external_id="cl-race", role="client", name="Cal Client")
        db.session.add_all([coach, client])
        db.session.flush()
        thread = Thread(client_id=client.id, subject="Race")
        db.session.add(thread)
        db.session.flush()
        db.session.add_all([Message(thread_id=thread.id, author_id=coach.id, body=f"Reply {i}",
                                    sent_at=datetime.combine(day, time(12, i), tzinfo=UTC))
                            for day in days for i in range(5)])
        db.session.commit()
        db.session.remove()
    quota, wrong = app.config["AUDIT_SAMPLE_PER_COACH"], []
    for day in days:
        outcomes = at_once(app, [lambda d=day: lambda: queue.build_sample(d)["added"]] * 2)
        with app.app_context():
            sampled = db.session.scalar(select(func.count()).select_from(AuditSample)
                                        .where(AuditSample.sample_day == day))
            db.session.remove()
        if sorted(outcomes, key=str) != [0, quota] or sampled != quota:
            wrong.append((day.isoformat(), outcomes, sampled))
    with app.app_context():
        db.engine.dispose()
    assert wrong == [], wrong
