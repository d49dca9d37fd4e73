"""Visibility, waits and notifications: the rules behind every inbox page."""

from datetime import timedelta

from sqlalchemy import select

from helpdesk.clients.models import Vacation
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread, ThreadRead
from helpdesk.inbox.services import post_message, start_thread, thread_visible_to, visible_threads
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow


def _visible_ids(user):
    return set(db.session.scalars(visible_threads(user).with_only_columns(Thread.id)))


def _notes(user, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == kind)).all()


def test_each_role_sees_exactly_its_threads(team, create_thread, create_user, create_client):
    t_ann = create_thread(team["ann_client"])
    t_bob = create_thread(team["bob_client"])
    t_carl = create_thread(team["carl_client"])
    loner = create_client(name="No Coach")
    t_loner = create_thread(loner)
    auditor = create_user("auditor")

    expected = {
        "ann": {t_ann.id},
        "bob": {t_bob.id},
        "carl": {t_carl.id},
        "leader": {t_ann.id, t_bob.id, t_loner.id},
        "other_leader": {t_carl.id, t_loner.id},
        "ann_client": {t_ann.id},
    }
    all_ids = {t_ann.id, t_bob.id, t_carl.id, t_loner.id}
    for name, ids in expected.items():
        user = team[name]
        assert _visible_ids(user) & all_ids == ids, name
        for t in (t_ann, t_bob, t_carl, t_loner):
            assert thread_visible_to(user, t) == (t.id in ids), (name, t.id)
    assert _visible_ids(auditor) >= all_ids
    assert all(thread_visible_to(auditor, t) for t in (t_ann, t_bob, t_carl, t_loner))


def test_ended_assignment_stops_visibility(create_coach, create_client, create_thread, assign):
    old = create_coach()
    new = create_coach()
    client = create_client()
    now = utcnow()
    assign(client, old, starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=1))
    assign(client, new, starts_at=now - timedelta(days=1))
    thread = create_thread(client)
    assert not thread_visible_to(old, thread)
    assert thread_visible_to(new, thread)


def test_coverage_only_during_vacation_and_only_for_teammates(team, create_thread):
    t_bob = create_thread(team["bob_client"])
    today = utcnow().date()
    # A past and a future vacation give no coverage.
    db.session.add_all([
        Vacation(coach_id=team["bob"].id, starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=5)),
        Vacation(coach_id=team["bob"].id, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=3)),
    ])
    db.session.flush()
    assert not thread_visible_to(team["ann"], t_bob)
    db.session.add(Vacation(coach_id=team["bob"].id, starts_on=today, ends_on=today))
    db.session.flush()
    assert thread_visible_to(team["ann"], t_bob)
    assert t_bob.id in _visible_ids(team["ann"])
    # Carl reports to another leader: no coverage for him.
    assert not thread_visible_to(team["carl"], t_bob)
    assert t_bob.id not in _visible_ids(team["carl"])


def test_wait_opens_on_first_client_message_and_closes_on_staff_reply(team, create_thread, create_user):
    client, ann = team["ann_client"], team["ann"]
    thread = create_thread(client)
    first = post_message(thread, client, "Question one")
    assert thread.waiting_since == first.sent_at
    post_message(thread, client, "Question two, still waiting")
    assert thread.waiting_since == first.sent_at  # a second client message does not open another wait
    reply = post_message(thread, ann, "Answer")
    assert thread.waiting_since is None
    assert thread.last_message_at == reply.sent_at
    # Any staff member closes a wait, not only the coach.
    again = post_message(thread, client, "One more")
    assert thread.waiting_since == again.sent_at
    post_message(thread, team["leader"], "The team leader answers")
    assert thread.waiting_since is None


def test_empty_message_is_refused(team, create_thread):
    thread = create_thread(team["ann_client"])
    try:
        post_message(thread, team["ann_client"], "   ")
    except ValueError as exc:
        assert str(exc).startswith("body:")
    else:
        raise AssertionError("an empty message was accepted")


def test_posting_marks_read_and_notifies(team, create_thread):
    client, ann = team["ann_client"], team["ann"]
    thread = create_thread(client)
    msg = post_message(thread, client, "Hello coach")
    assert [n.link for n in _notes(ann, "client_message")] == [f"/threads/{thread.id}#m{msg.id}"]
    assert _notes(team["bob"], "client_message") == []
    reply = post_message(thread, ann, "Hello client")
    assert [n.link for n in _notes(client, "reply")] == [f"/threads/{thread.id}#m{reply.id}"]
    marks = dict(db.session.execute(select(ThreadRead.user_id, ThreadRead.read_at)
                                    .where(ThreadRead.thread_id == thread.id)).all())
    assert marks == {client.id: msg.sent_at, ann.id: reply.sent_at}


def test_client_message_during_vacation_notifies_the_covering_team(team, create_thread):
    today = utcnow().date()
    db.session.add(Vacation(coach_id=team["ann"].id, starts_on=today, ends_on=today + timedelta(days=2)))
    db.session.flush()
    thread = create_thread(team["ann_client"])
    post_message(thread, team["ann_client"], "Anyone there?")
    assert _notes(team["ann"], "client_message") == []
    assert len(_notes(team["bob"], "client_message")) == 1
    assert _notes(team["carl"], "client_message") == []


def test_client_without_coach_can_start_a_thread(create_client, create_team_leader):
    leader = create_team_leader()
    client = create_client()
    thread = start_thread(client, "First steps", "How do I start?")
    assert thread.waiting_since is not None
    assert thread_visible_to(leader, thread)
    assert [m.body for m in thread.messages] == ["How do I start?"]
