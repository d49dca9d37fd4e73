"""The calibration API: the calibration page's items, reviews and agreement rates, to the same people."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.calibration import services as calibration
from helpdesk.calibration.models import CalibrationItem
from helpdesk.extensions import db

AT = datetime(2026, 10, 10, 15, 0, tzinfo=UTC)
ANN_SECRET, BEN_SECRET = "Ann thinks the tone is off", "Ben wants a link to the guide"


@pytest.fixture
def auditors(create_user):
    return [create_user("auditor", name=n) for n in ("Annika Auditor", "Benno Auditor", "Cidre Auditor")]


@pytest.fixture
def item(desk, create_message):
    """item(needed=3, body=...): a fresh coach reply in the desk's thread, marked by the desk's leader."""

    def make(needed=3, body="Here is how to raise the budget."):
        return calibration.mark(desk.leader, create_message(desk.thread, desk.coach, body=body), needed)

    return make


def _page_item_ids(client, auth, user):
    """The item ids the calibration page shows `user`, in its order."""
    auth.login(user)
    html = client.get("/audits/calibration").get_data(as_text=True)
    auth.logout()
    return [int(i) for i in re.findall(r'data-item="(\d+)"', html)]


def test_others_reviews_stay_hidden_until_the_item_closes(client, api_headers, desk, auditors, item,
                                                          create_user):
    ann, ben, cid = auditors
    it = item(needed=3)
    calibration.review(ann, it, "green", ANN_SECRET)
    calibration.review(ben, it, "yellow", BEN_SECRET)
    url = f"/api/v1/calibration/items/{it.id}"

    r = client.get(url, headers=api_headers(ann))
    assert r.status_code == 200
    body = r.get_json()
    assert (body["id"], body["message_id"], body["thread_id"], body["coach_name"], body["excerpt"]) == (
        it.id, it.message_id, desk.thread.id, "Cora Coach", "Here is how to raise the budget.")
    assert (body["review_count"], body["reviewers_needed"], body["closed"], body["majority"], body["reviews"]) == (
        2, 3, False, None, [])
    assert body["mine"] == {"color": "green", "comment": ANN_SECRET}
    assert BEN_SECRET not in r.get_data(as_text=True)

    # Nobody else sees a colour or a comment of an open item: not the auditor yet to review, not
    # the leader who marked it, not an admin; in the list as in the item.
    for user in (cid, desk.leader, create_user("admin")):
        for r in (client.get(url, headers=api_headers(user)),
                  client.get("/api/v1/calibration/items", headers=api_headers(user))):
            assert r.status_code == 200
            text = r.get_data(as_text=True)
            assert ANN_SECRET not in text and BEN_SECRET not in text
            assert "green" not in text and "yellow" not in text
        assert client.get(url, headers=api_headers(user)).get_json()["mine"] is None

    calibration.review(cid, it, "green")
    r = client.get(url, headers=api_headers(desk.leader))
    body = r.get_json()
    assert (body["review_count"], body["closed"], body["majority"]) == (3, True, "green")
    # In the order given, without who gave them: the page shows no auditor's name either.
    assert body["reviews"] == [{"color": "green", "comment": ANN_SECRET},
                               {"color": "yellow", "comment": BEN_SECRET},
                               {"color": "green", "comment": None}]
    assert not any(a.name in r.get_data(as_text=True) for a in auditors)


def test_a_tie_closes_with_no_majority(client, api_headers, auditors, item):
    it = item(needed=2)
    calibration.review(auditors[0], it, "green")
    calibration.review(auditors[1], it, "blue")
    body = client.get(f"/api/v1/calibration/items/{it.id}", headers=api_headers(auditors[2])).get_json()
    assert (body["closed"], body["majority"], [r["color"] for r in body["reviews"]]) == (True, None, ["green", "blue"])


def test_the_list_is_the_pages_list(client, auth, api_headers, desk, auditors, item, create_user):
    """Newest first, open and closed, bounded at 100 as the page is; every role the page allows sees it all,
    except a team leader of another team, who may not open these threads (#11 item 5: that was the bug)."""
    items = [item(needed=2, body=f"Reply {n}") for n in range(101)]
    calibration.review(auditors[0], items[-1], "green")
    calibration.review(auditors[1], items[-1], "green")
    users = (auditors[0], desk.leader, create_user("admin"))
    stranger = desk.other_coach.reports_to
    assert client.get("/api/v1/calibration/items", headers=api_headers(stranger)).get_json() == []
    assert _page_item_ids(client, auth, stranger) == []
    listed = {}
    for user in users:
        r = client.get("/api/v1/calibration/items", headers=api_headers(user))
        assert r.status_code == 200
        listed[user] = r.get_json()
    for user in users:
        assert [v["id"] for v in listed[user]] == _page_item_ids(client, auth, user)
        assert len(listed[user]) == 100 and items[0].id not in {v["id"] for v in listed[user]}
        first, second = listed[user][:2]
        assert (first["id"], first["closed"], first["majority"]) == (items[-1].id, True, "green")
        assert (second["id"], second["closed"], second["review_count"]) == (items[-2].id, False, 0)


def test_who_may_read_items(client, api_headers, desk, item, create_user):
    it = item()
    urls = ["/api/v1/calibration/items", f"/api/v1/calibration/items/{it.id}",
            "/api/v1/calibration/agreement"]
    for user in (desk.coach, desk.client, create_user("support")):
        for url in urls:
            r = client.get(url, headers=api_headers(user))
            assert r.status_code == 403, (user.role, url)
            assert "Here is how" not in r.get_data(as_text=True)
    for url in urls:
        assert client.get(url).status_code == 401
    r = client.get("/api/v1/calibration/items/999999", headers=api_headers(desk.auditor))
    assert (r.status_code, r.get_json()["error"]) == (404, "not_found")


def test_agreement_rates_by_hand(client, api_headers, desk, auditors, item):
    """Four items closed on 10 October, three reviewers each:
    1: Ann green, Ben green, Cid yellow  -> majority green: Ann, Ben agree
    2: Ann blue,  Ben yellow, Cid yellow -> majority yellow: Ben, Cid agree
    3: Ann green, Ben blue, Cid yellow  -> tie, no majority: counts for nobody
    4: Ann yellow, Ben yellow, Cid yellow -> all agree
    Ann 2/3, Ben 3/3, Cid 2/3. An open item and one closed in September do not count."""
    votes = [("green", "green", "yellow"), ("blue", "yellow", "yellow"), ("green", "blue", "yellow"),
             ("yellow", "yellow", "yellow")]
    for colors in votes:
        it = item()
        for auditor, color in zip(auditors, colors, strict=True):
            calibration.review(auditor, it, color, now=AT)
    still_open = item()
    calibration.review(auditors[0], still_open, "green", now=AT)
    september = item()
    for auditor in auditors:
        calibration.review(auditor, september, "blue", now=AT - timedelta(days=30))

    def rates(query, user=desk.auditor):
        r = client.get(f"/api/v1/calibration/agreement?{query}", headers=api_headers(user))
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    body = rates("from=2026-10-01&to=2026-10-31")
    assert (body["from"], body["to"]) == ("2026-10-01", "2026-10-31")
    assert [(r["name"], r["items"], r["agreed"], round(r["rate"], 4)) for r in body["rates"]] == [
        ("Annika Auditor", 3, 2, 0.6667), ("Benno Auditor", 3, 3, 1.0), ("Cidre Auditor", 3, 2, 0.6667)]
    assert [r["auditor_id"] for r in body["rates"]] == [a.id for a in auditors]
    # `to` is included: the items closed at 15:00 on the 10th count in a period of that one day.
    assert [r["items"] for r in rates("from=2026-10-10&to=2026-10-10")["rates"]] == [3, 3, 3]
    assert rates("from=2026-10-01&to=2026-10-09")["rates"] == []
    assert [r["items"] for r in rates("from=2026-09-01&to=2026-10-31")["rates"]] == [4, 4, 4]
    # Team leaders and admins see the same table as auditors, as on the page.
    assert rates("from=2026-10-01&to=2026-10-31", desk.leader) == body


def test_agreement_defaults_to_this_month_and_names_bad_dates(client, api_headers, desk):
    from helpdesk.types import utcnow

    h = api_headers(desk.leader)
    today = utcnow().date()
    body = client.get("/api/v1/calibration/agreement", headers=h).get_json()
    assert (body["from"], body["to"], body["rates"]) == (today.replace(day=1).isoformat(), today.isoformat(), [])
    r = client.get("/api/v1/calibration/agreement?from=2026-13-01", headers=h)
    assert r.status_code == 422 and list(r.get_json()["errors"]["query"]) == ["from"]
    r = client.get("/api/v1/calibration/agreement?from=2026-10-02&to=2026-10-01", headers=h)
    assert r.status_code == 422 and r.get_json()["errors"]["query"] == {"to": ["The period ends before it starts."]}
    assert r.get_json()["message"] == "to: The period ends before it starts."


def test_a_team_leader_marks_a_reply(client, api_headers, desk, create_user, create_message):
    r = client.post("/api/v1/calibration/items", json={"message_id": desk.reply.id, "reviewers_needed": 2},
                    headers=api_headers(desk.leader))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["message_id"], body["coach_name"], body["excerpt"], body["reviewers_needed"], body["review_count"],
            body["closed"], body["mine"]) == (desk.reply.id, "Cora Coach", "Click the button.", 2, 0, False, None)
    assert db.session.get(CalibrationItem, body["id"]).created_by_id == desk.leader.id
    listed = client.get("/api/v1/calibration/items", headers=api_headers(desk.auditor)).get_json()
    assert [v["id"] for v in listed] == [body["id"]]

    other = create_message(desk.thread, desk.coach)
    r = client.post("/api/v1/calibration/items", json={"message_id": other.id},
                    headers=api_headers(create_user("admin")))
    assert (r.status_code, r.get_json()["reviewers_needed"]) == (201, 3)


def test_who_may_mark(client, api_headers, desk, create_user):
    """Team leaders and admins, as on the page; a team leader only replies in threads they may open."""
    body = {"message_id": desk.reply.id}
    for user in (desk.auditor, desk.coach, desk.client, create_user("support")):
        r = client.post("/api/v1/calibration/items", json=body, headers=api_headers(user))
        assert r.status_code == 403, user.role
    r = client.post("/api/v1/calibration/items", json=body, headers=api_headers(desk.other_coach.reports_to))
    assert r.status_code == 404
    r = client.post("/api/v1/calibration/items", json={"message_id": 999999}, headers=api_headers(desk.leader))
    assert r.status_code == 404
    assert db.session.query(CalibrationItem).count() == 0


def test_marking_errors_name_the_field(client, api_headers, desk):
    h = api_headers(desk.leader)

    def mark(body):
        return client.post("/api/v1/calibration/items", json=body, headers=h)

    for body, field in [({}, "message_id"), ({"message_id": "the reply"}, "message_id"),
                        ({"message_id": desk.reply.id, "reviewers_needed": "three"}, "reviewers_needed")]:
        r = mark(body)
        assert r.status_code == 422 and list(r.get_json()["errors"]["json"]) == [field], (body, r.get_json())
    r = mark({"message_id": desk.reply.id, "reviewers_needed": 1})
    assert r.status_code == 422
    assert r.get_json()["errors"]["json"] == {"reviewers_needed": ["Between 2 and 20 reviewers are needed."]}
    r = mark({"message_id": desk.question.id})
    assert r.status_code == 422 and list(r.get_json()["errors"]["json"]) == ["message_id"]
    assert db.session.query(CalibrationItem).count() == 0

    assert mark({"message_id": desk.reply.id}).status_code == 201
    r = mark({"message_id": desk.reply.id, "reviewers_needed": 5})
    assert r.status_code == 409
    assert r.get_json()["errors"]["json"] == {"message_id": ["This reply is already marked for calibration."]}
    assert db.session.query(CalibrationItem).one().reviewers_needed == 3


def test_auditors_review_and_see_only_their_own_until_closed(client, api_headers, auditors, item):
    ann, ben, cid = auditors
    it = item(needed=2)
    url = f"/api/v1/calibration/items/{it.id}/reviews"
    r = client.post(url, json={"color": "green", "comment": ANN_SECRET}, headers=api_headers(ann))
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["review_count"], r.get_json()["closed"], r.get_json()["mine"]) == (
        1, False, {"color": "green", "comment": ANN_SECRET})

    r = client.post(url, json={"color": "yellow", "comment": BEN_SECRET}, headers=api_headers(ben))
    assert r.status_code == 201
    body = r.get_json()
    assert (body["review_count"], body["closed"], body["majority"]) == (2, True, None)
    assert body["reviews"] == [{"color": "green", "comment": ANN_SECRET}, {"color": "yellow", "comment": BEN_SECRET}]

    r = client.post(url, json={"color": "blue"}, headers=api_headers(ann))
    assert r.status_code == 409
    assert r.get_json()["errors"]["json"] == {"item": ["You have already reviewed this item."]}
    r = client.post(url, json={"color": "blue"}, headers=api_headers(cid))
    assert r.status_code == 409
    assert r.get_json()["errors"]["json"] == {"item": ["This item already has all its reviews."]}
    assert calibration.review_count(it) == 2


def test_a_review_before_the_others_reveals_nothing(client, api_headers, auditors, item):
    """The second reviewer's answer shows their own colour, not the first reviewer's."""
    it = item(needed=3)
    calibration.review(auditors[0], it, "yellow", ANN_SECRET)
    r = client.post(f"/api/v1/calibration/items/{it.id}/reviews", json={"color": "green"},
                    headers=api_headers(auditors[1]))
    assert r.status_code == 201
    body = r.get_json()
    assert (body["review_count"], body["reviews"], body["majority"], body["mine"]) == (
        2, [], None, {"color": "green", "comment": None})
    assert ANN_SECRET not in r.get_data(as_text=True) and "yellow" not in r.get_data(as_text=True)


def test_who_may_review_and_bad_reviews(client, api_headers, desk, item, create_user):
    it = item()
    url = f"/api/v1/calibration/items/{it.id}/reviews"
    for user in (desk.leader, create_user("admin"), desk.coach, desk.client, create_user("support")):
        r = client.post(url, json={"color": "green"}, headers=api_headers(user))
        assert r.status_code == 403, user.role
    h = api_headers(desk.auditor)
    assert client.post("/api/v1/calibration/items/999999/reviews", json={"color": "green"},
                       headers=h).status_code == 404
    for body in ({}, {"color": "purple"}, {"color": None}):
        r = client.post(url, json=body, headers=h)
        assert r.status_code == 422 and list(r.get_json()["errors"]["json"]) == ["color"], body
    r = client.post(url, json={"color": "green", "comment": 7}, headers=h)
    assert r.status_code == 422 and list(r.get_json()["errors"]["json"]) == ["comment"]
    assert calibration.review_count(it) == 0
