"""Calibration shows a team leader only the items whose thread they may open (#11 item 5), in the page and
the API, list and detail; auditors and admins, who may open every thread, see every item."""

import re

import pytest

from helpdesk.calibration import services as calibration
from helpdesk.extensions import db

OTHER_TEAM_SECRET = "Platypus: the other team's client's words"


@pytest.fixture
def items(desk, create_user, create_client, create_thread, create_message):
    """One item in the desk's team (Tess's), one in Olga's team, both marked by an admin."""
    admin = create_user("admin")
    other_thread = create_thread(create_client(coach=desk.other_coach))
    own = calibration.mark(admin, desk.reply, 2)
    other = calibration.mark(admin, create_message(other_thread, desk.other_coach, body=OTHER_TEAM_SECRET), 2)
    db.session.flush()
    return own, other


def test_team_leader_gets_404_for_another_teams_item(client, api_headers, desk, items):
    own, other = items
    headers = api_headers(desk.leader)
    assert client.get(f"/api/v1/calibration/items/{own.id}", headers=headers).status_code == 200
    r = client.get(f"/api/v1/calibration/items/{other.id}", headers=headers)
    assert r.status_code == 404 and OTHER_TEAM_SECRET not in r.get_data(as_text=True)
    # The thread itself refuses the leader too: the same rule.
    assert client.get(f"/api/v1/threads/{other.message.thread_id}/communication",
                      headers=headers).status_code == 404


def test_team_leader_lists_only_items_they_may_see(client, auth, api_headers, desk, items):
    own, other = items
    listed = client.get("/api/v1/calibration/items", headers=api_headers(desk.leader)).get_json()
    assert [i["id"] for i in listed] == [own.id]
    auth.login(desk.leader)
    html = client.get("/audits/calibration").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'data-item="(\d+)"', html)] == [own.id]
    assert OTHER_TEAM_SECRET not in html


def test_auditors_and_admins_see_every_item(client, api_headers, desk, items, create_user):
    for user in (desk.auditor, create_user("admin")):
        listed = client.get("/api/v1/calibration/items", headers=api_headers(user)).get_json()
        assert {i["id"] for i in listed} == {i.id for i in items}


def test_the_item_rule_and_its_sql_twin_agree(desk, items, create_user):
    for user in (desk.leader, desk.other_coach.reports_to, desk.auditor, create_user("admin"),
                 create_user("team_leader")):
        listed = {i.id for i in calibration.items(user)}
        assert listed == {i.id for i in items if calibration.item_visible_to(user, i)}, user.role
