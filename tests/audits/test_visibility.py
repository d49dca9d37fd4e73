"""Who may see an audit (#11 item 3): the audited coach, their team leader, auditors and admins; the
communication area (page and API), the Audits view and notifications all follow that one rule."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.audits.services import can_see_audit, visible_audits
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.extensions import db
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow

SECRET = "Narwhal-comment only the coach's own side may read"


@pytest.fixture
def audited(desk, audit):
    return audit("yellow", comment=SECRET, at=utcnow() - timedelta(hours=2))


def _area(client, api_headers, user, thread_id):
    r = client.get(f"/api/v1/threads/{thread_id}/communication", headers=api_headers(user))
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _page(client, auth, user, thread_id):
    auth.login(user)
    r = client.get(f"/threads/{thread_id}")
    assert r.status_code == 200
    auth.logout()
    return r.get_data(as_text=True)


def test_support_sees_the_thread_but_not_its_audits(client, auth, api_headers, desk, audited, create_user):
    support = create_user("support")
    assert client.get("/api/v1/audits", headers=api_headers(support)).status_code == 403
    assert _area(client, api_headers, support, desk.thread.id)["audits"] == []
    html = _page(client, auth, support, desk.thread.id)
    assert SECRET not in html and "SC Audit" not in html


def test_team_leader_of_the_new_coach_does_not_see_the_old_coachs_audits(client, auth, api_headers, desk, audited,
                                                                         create_team_leader, create_coach, assign):
    """The client moves from Cora (Tess's team) to a coach of another team: that team's leader may now open
    the thread, but Cora's audits stay with Cora's side."""
    new_leader = create_team_leader()
    new_coach = create_coach(team_leader=new_leader)
    moved = datetime.now(UTC) - timedelta(hours=1)
    db.session.execute(Assignment.__table__.update().where(Assignment.client_id == desk.client.id)
                       .values(ends_at=moved))
    assign(desk.client, new_coach, starts_at=moved)
    assert _area(client, api_headers, new_leader, desk.thread.id)["audits"] == []
    html = _page(client, auth, new_leader, desk.thread.id)
    assert SECRET not in html and "SC Audit" not in html


def test_coach_covering_an_away_teammate_does_not_see_the_teammates_audits(client, auth, api_headers, desk,
                                                                           audited, create_coach, create_message):
    teammate = create_coach(team_leader=desk.leader)
    today = utcnow().date()
    db.session.add(Vacation(coach_id=desk.coach.id, starts_on=today - timedelta(days=1),
                            ends_on=today + timedelta(days=3)))
    db.session.flush()
    area = _area(client, api_headers, teammate, desk.thread.id)  # covering: may open the thread
    assert area["audits"] == []
    html = _page(client, auth, teammate, desk.thread.id)
    assert SECRET not in html and "SC Audit" not in html
    # Cora herself, her leader and the auditor still see it.
    for user in (desk.coach, desk.leader, desk.auditor):
        assert [a["id"] for a in _area(client, api_headers, user, desk.thread.id)["audits"]] == [audited.id]


def test_audit_notifications_go_only_to_who_may_see_the_audit(desk, audit, create_user, create_coach,
                                                              create_client, create_thread, create_message):
    """A coach reporting to a support account (a data slip) does not get that account told of the audit."""
    support = create_user("support")
    coach = create_coach()
    coach.reports_to_id = support.id
    reply = create_message(create_thread(create_client(coach=coach)), coach)
    a = audit("green", message=reply, comment=None)
    told = db.session.scalars(select(Notification.user_id).where(Notification.dedupe_key == f"audit-{a.id}")).all()
    assert told == [coach.id]


def test_the_rule_and_its_sql_twin_agree_for_every_role(desk, audit, create_user, create_coach, create_client,
                                                        create_thread, create_message):
    other_reply = create_message(create_thread(create_client(coach=desk.other_coach)), desk.other_coach)
    audits = [audit("yellow"), audit("green", message=other_reply, comment=None)]
    viewers = [desk.coach, desk.other_coach, desk.leader, desk.other_coach.reports_to, desk.auditor,
               create_user("admin"), create_user("support"), desk.client, create_coach(team_leader=desk.leader)]
    for viewer in viewers:
        in_sql = set(db.session.scalars(select(Audit.id).where(visible_audits(viewer))))
        in_python = {a.id for a in audits if can_see_audit(viewer, a)}
        assert in_sql == in_python, viewer.role
