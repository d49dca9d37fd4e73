"""SLA warnings: 20 h and 24 h boundaries, each warning once, moderation items and Yellow audits."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.notifications.models import Notification
from workers.warnings import send_sla_warnings

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def run():
    return send_sla_warnings(NOW.isoformat())


def inbox(user):
    return [(n.kind, n.link) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


@pytest.fixture
def people(create_user, create_coach, create_client):
    leader = create_user("team_leader")
    coach = create_coach(team_leader=leader)
    client = create_client(coach=coach)
    return leader, coach, client


@pytest.fixture
def question(create_thread, create_message):
    def make(client, age):
        thread = create_thread(client)
        create_message(thread, client, sent_at=NOW - age)
        return thread

    return make


def test_nothing_at_exactly_20_hours(people, question):
    leader, coach, client = people
    question(client, timedelta(hours=20))
    run()
    assert inbox(coach) == [] and inbox(leader) == []


def test_coach_warned_once_just_past_20_hours(people, question):
    leader, coach, client = people
    thread = question(client, timedelta(hours=20) + SECOND)
    assert run()["wait_warnings"] == 1
    assert inbox(coach) == [("sla_warning", f"/threads/{thread.id}")]
    assert inbox(leader) == []
    assert run()["wait_warnings"] == 0
    assert len(inbox(coach)) == 1


def test_exactly_24_hours_is_still_only_a_warning(people, question):
    leader, coach, client = people
    question(client, timedelta(hours=24))
    run()
    assert [k for k, _ in inbox(coach)] == ["sla_warning"] and inbox(leader) == []


def test_breach_past_24_hours_tells_coach_and_leader_once(people, question):
    leader, coach, client = people
    thread = question(client, timedelta(hours=24) + SECOND)
    assert run()["wait_breaches"] == 2
    assert inbox(coach) == [("sla_breach", f"/threads/{thread.id}")]
    assert inbox(leader) == [("sla_breach", f"/threads/{thread.id}")]
    run()
    assert len(inbox(coach)) == 1 and len(inbox(leader)) == 1


def test_warning_then_breach_as_time_passes(people, question):
    leader, coach, client = people
    question(client, timedelta(hours=21))
    run()
    send_sla_warnings((NOW + timedelta(hours=3, seconds=1)).isoformat())
    assert [k for k, _ in inbox(coach)] == ["sla_warning", "sla_breach"]
    assert [k for k, _ in inbox(leader)] == ["sla_breach"]


def test_answered_waits_are_not_warned(people, question, create_message):
    leader, coach, client = people
    thread = question(client, timedelta(hours=30))
    create_message(thread, coach, sent_at=NOW - timedelta(hours=1))
    run()
    assert inbox(coach) == [] and inbox(leader) == []


def test_old_history_is_not_warned(people, question):
    leader, coach, client = people
    question(client, timedelta(days=9))
    run()
    assert inbox(coach) == []


def test_pending_listing_past_24_hours_tells_moderators_and_admins_not_leaders(people, create_user):
    """Issue #12: the breach goes to the queue's moderators and the admins; team leaders do not moderate."""
    leader, coach, client = people
    admin, support = create_user("admin"), create_user("support")
    late = Listing(seller_id=client.id, title="Old bike", submitted_at=NOW - timedelta(hours=24) - SECOND)
    on_time = Listing(seller_id=client.id, title="New bike", submitted_at=NOW - timedelta(hours=24))
    db.session.add_all([late, on_time])
    db.session.flush()
    run()
    run()
    assert inbox(admin) == [("moderation_breach", f"/listings/{late.id}")]
    # support works the queue: also warned at 20 h of the listing that is not yet late
    assert inbox(support) == [("moderation_breach", f"/listings/{late.id}"),
                              ("moderation_warning", f"/listings/{on_time.id}")]
    assert inbox(leader) == [] and inbox(coach) == []  # the coach is not trained for moderation


@pytest.fixture
def yellow(people, create_thread, create_message, create_user):
    leader, coach, client = people
    auditor = create_user("auditor")

    def make(age, **fields):
        thread = create_thread(client)
        create_message(thread, client, sent_at=NOW - age - timedelta(hours=2))
        reply = create_message(thread, coach, sent_at=NOW - age - timedelta(hours=1))
        audit = Audit(message_id=reply.id, coach_id=coach.id, auditor_id=auditor.id, color="yellow", at=NOW - age,
                      **fields)
        db.session.add(audit)
        db.session.flush()
        return thread, reply, audit

    return make


def test_yellow_audit_without_follow_up_past_24_hours(people, yellow):
    leader, coach, _ = people
    thread, reply, _ = yellow(timedelta(hours=24) + SECOND)
    yellow(timedelta(hours=24))  # exactly 24 h: not yet
    run()
    run()
    assert inbox(coach) == [("audit_overdue", f"/threads/{thread.id}#m{reply.id}")]
    assert inbox(leader) == [("audit_overdue", f"/threads/{thread.id}#m{reply.id}")]


def test_followed_up_acted_or_overturned_yellows_are_quiet(people, yellow, create_message):
    leader, coach, _ = people
    thread, _, audit = yellow(timedelta(hours=30))
    create_message(thread, coach, sent_at=audit.at + timedelta(hours=2))  # the coach's next reply
    yellow(timedelta(hours=30), acted_at=NOW - timedelta(hours=28))
    yellow(timedelta(hours=30), resolution="overturned", resolved_at=NOW - timedelta(hours=29))
    run()
    assert inbox(coach) == [] and inbox(leader) == []


def test_warning_follows_coverage_while_the_coach_is_away(people, question, create_coach):
    """Issue #14: the away coach's client at 20 h warns the covering teammate and the team leader too."""
    from helpdesk.clients.models import Vacation

    leader, coach, client = people
    teammate = create_coach(team_leader=leader)
    also_away = create_coach(team_leader=leader)
    for away in (coach, also_away):
        db.session.add(Vacation(coach_id=away.id, starts_on=NOW.date(), ends_on=NOW.date()))
    thread = question(client, timedelta(hours=20) + SECOND)
    assert run()["wait_warnings"] == 3
    for user in (coach, teammate, leader):
        assert inbox(user) == [("sla_warning", f"/threads/{thread.id}")]
    assert inbox(also_away) == []
    assert run()["wait_warnings"] == 0


def test_breach_while_away_tells_the_covering_teammate_once(people, question, create_coach):
    from helpdesk.clients.models import Vacation

    leader, coach, client = people
    teammate = create_coach(team_leader=leader)
    db.session.add(Vacation(coach_id=coach.id, starts_on=NOW.date(), ends_on=NOW.date()))
    thread = question(client, timedelta(hours=24) + SECOND)
    assert run()["wait_breaches"] == 3
    for user in (coach, teammate, leader):
        assert inbox(user) == [("sla_breach", f"/threads/{thread.id}")]


def texts(user):
    return [n.text for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_thread_warnings_name_the_client_and_the_thread(people, create_thread, create_message):
    """Issue #14: "Freya Silva has waited 30 h in 'Verifying my identity'", not "a client has waited"."""
    leader, coach, client = people
    client.name = "Freya Silva"
    thread = create_thread(client, subject="Verifying my identity")
    create_message(thread, client, sent_at=NOW - timedelta(hours=21))
    run()
    assert texts(coach) == ["Freya Silva has waited over 20 h for your reply in “Verifying my identity”."]
    send_sla_warnings((NOW + timedelta(hours=4)).isoformat())
    assert texts(leader) == ["SLA breach: Freya Silva has waited over 24 h for a reply in “Verifying my identity”."]


def test_the_team_leader_gets_one_notification_for_breaches_falling_due_together(people, question, create_client):
    """Repeats are grouped for the team leader (one per run); the coach keeps one per thread, naming each."""
    leader, coach, client = people
    others = [create_client(coach=coach, name=f"Client {n}") for n in ("Ann", "Bo", "Cy")]
    threads = [question(c, timedelta(hours=25)) for c in [client, *others]]
    assert run()["wait_breaches"] == 4 + 1
    assert sorted(inbox(coach)) == sorted(("sla_breach", f"/threads/{t.id}") for t in threads)
    assert inbox(leader) == [("sla_breach", "/inbox?view=breached")]
    assert texts(leader)[0].startswith("SLA breach: 4 clients of your team have waited over 24 h for a reply: ")
    assert texts(leader)[0].endswith(" and 1 more.")
    assert run()["wait_breaches"] == 0
    # One more falls due later: the leader is told of that one alone, by name.
    late = question(others[0], timedelta(hours=23))
    send_sla_warnings((NOW + timedelta(hours=2)).isoformat())
    assert inbox(leader)[-1] == ("sla_breach", f"/threads/{late.id}")


def test_a_run_reads_only_what_fell_due_since_the_last_run(people, question):
    """The watermark: a warning already handled is not looked at again, even if its notification is gone."""
    leader, coach, client = people
    question(client, timedelta(hours=21))
    assert run()["wait_warnings"] == 1
    db.session.execute(Notification.__table__.delete())
    assert send_sla_warnings((NOW + timedelta(minutes=5)).isoformat())["wait_warnings"] == 0
    assert inbox(coach) == []


def test_a_wait_stored_late_is_still_warned(people, question):
    """A message stored after its wait passed 20 h (an import, a late commit) is warned at the next run."""
    leader, coach, client = people
    run()
    thread = question(client, timedelta(hours=22))
    assert send_sla_warnings((NOW + timedelta(minutes=5)).isoformat())["wait_warnings"] == 1
    assert inbox(coach) == [("sla_warning", f"/threads/{thread.id}")]


def test_after_downtime_the_run_catches_up(people, question):
    leader, coach, client = people
    run()
    early = question(client, timedelta(hours=5))     # 20 h at NOW + 15 h, 24 h at NOW + 19 h
    later = question(client, timedelta(hours=1))     # 20 h at NOW + 19 h
    result = send_sla_warnings((NOW + timedelta(hours=19, minutes=30)).isoformat())
    assert (result["wait_breaches"], result["wait_warnings"]) == (2, 1)
    assert sorted(inbox(coach)) == sorted([("sla_breach", f"/threads/{early.id}"),
                                          ("sla_warning", f"/threads/{later.id}")])


def test_a_clock_set_back_sends_nothing_twice(people, question):
    leader, coach, client = people
    question(client, timedelta(hours=25))
    send_sla_warnings((NOW + timedelta(hours=1)).isoformat())
    assert run()["wait_breaches"] == 0
    assert len(inbox(coach)) == 1 and len(inbox(leader)) == 1


def test_listing_breaches_falling_due_together_are_one_notification_per_person(people, create_user):
    leader, coach, client = people
    admin = create_user("admin")
    moderator = create_user("coach", moderation_trained=True)
    db.session.add_all([Listing(seller_id=client.id, title=f"Bike {n}", submitted_at=NOW - timedelta(hours=30 + n))
                        for n in range(37)])
    db.session.flush()
    assert run()["listing_breaches"] == 2  # the moderator and the admin (team leaders do not moderate)
    assert inbox(leader) == []
    for user in (admin, moderator):
        assert inbox(user) == [("moderation_breach", "/moderation?view=pending&age=overdue")]
        assert texts(user) == ["37 listings have passed 24 h in the moderation queue without a decision."]
    assert run()["listing_breaches"] == 0
