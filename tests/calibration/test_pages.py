"""The calibration page as people use it (#14): the agreement table's counts, items that could never close,
each auditor's colour once an item closes."""

import re

from helpdesk.calibration import services as calibration
from helpdesk.calibration.models import CalibrationItem
from helpdesk.extensions import db
from helpdesk.types import utcnow


def test_the_agreement_table_shows_the_number_of_items(client, auth, desk, auditor_pool):
    item = calibration.mark(desk.leader, desk.reply, 2)
    for auditor in auditor_pool[:2]:
        calibration.review(auditor, item, "green")
    db.session.flush()
    auth.login(desk.leader)
    html = client.get(f"/audits/calibration?month={utcnow():%Y-%m}").get_data(as_text=True)
    assert "built-in method" not in html
    row = re.search(rf'<tr data-auditor="{auditor_pool[0].id}">(.*?)</tr>', html).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["Pool Auditor 1", "1", "1", "100.0%"]


def test_an_item_asking_for_more_reviews_than_there_are_auditors_is_refused(client, auth, api_headers, desk,
                                                                             auditor_pool):
    auditors = 1 + len(auditor_pool)  # the desk's and the pool
    r = client.post("/api/v1/calibration/items", json={"message_id": desk.reply.id, "reviewers_needed": auditors + 1},
                    headers=api_headers(desk.leader))
    assert r.status_code == 422 and "reviewers_needed" in r.get_json()["errors"]["json"], r.get_json()
    auth.login(desk.leader)
    r = client.post("/audits/calibration/mark", data={"message_id": desk.reply.id, "reviewers_needed": auditors + 1},
                    follow_redirects=True)
    assert f"There are {auditors} auditors" in r.get_data(as_text=True)
    assert db.session.query(CalibrationItem).count() == 0
    assert client.post("/audits/calibration/mark",
                       data={"message_id": desk.reply.id, "reviewers_needed": auditors}).status_code == 302
    assert db.session.query(CalibrationItem).count() == 1


def test_a_closed_item_shows_each_auditors_colour(client, auth, desk, auditor_pool):
    item = calibration.mark(desk.leader, desk.reply, 2)
    calibration.review(auditor_pool[0], item, "green")
    auth.login(desk.leader)
    html = client.get("/audits/calibration").get_data(as_text=True)
    assert "Pool Auditor 1" not in html  # still open: nobody's colour shows
    calibration.review(auditor_pool[1], item, "yellow", "Too short")
    db.session.flush()
    html = client.get("/audits/calibration").get_data(as_text=True)
    shown = re.findall(r'<li data-reviewer="\d+">([^:<]+): <span class="badge label-(\w+)"', html)
    assert shown == [("Pool Auditor 1", "green"), ("Pool Auditor 2", "yellow")]


def test_a_leader_picks_the_reply_from_a_list_instead_of_typing_its_id(client, auth, desk, create_message,
                                                                       create_client, create_thread):
    other_team = create_message(create_thread(create_client(coach=desk.other_coach)), desk.other_coach,
                                body="Not yours to mark")
    auth.login(desk.leader)
    html = client.get("/audits/calibration").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+)">Cora Coach in “Ad budget”', html)
    assert offered == [str(desk.reply.id)]
    assert f'<option value="{other_team.id}"' not in html and "Not yours to mark" not in html
    assert "Click the button." in html
    client.post("/audits/calibration/mark", data={"message_id": offered[0], "reviewers_needed": 2})
    html = client.get("/audits/calibration").get_data(as_text=True)
    assert f'<option value="{desk.reply.id}">' not in html  # marked: no longer offered
