"""Calibration: independent reviews, colours hidden until all are in, agreement rates worked by hand."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.audits.models import Audit
from helpdesk.audits.services import AuditError
from helpdesk.calibration import services as calibration
from helpdesk.extensions import db

OCT = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
AT = datetime(2026, 10, 10, tzinfo=UTC)


@pytest.fixture
def auditors(create_user):
    return [create_user("auditor", name=n) for n in ("Ann", "Ben", "Cid")]


def _item(desk, create_message, needed=3):
    return calibration.mark(desk.leader, create_message(desk.thread, desk.coach), needed)


def test_colours_stay_hidden_until_all_have_reviewed(desk, auditors, create_message):
    item = _item(desk, create_message)
    ann, ben, cid = auditors
    calibration.review(ann, item, "green")
    calibration.review(ben, item, "yellow", "unclear")
    view = calibration.item_view(ben, item)
    assert (view["closed"], view["reviews"], view["mine"].color, view["majority"]) == (False, [], "yellow", None)
    calibration.review(cid, item, "green")
    view = calibration.item_view(ann, item)
    assert view["closed"] and sorted(r.color for r in view["reviews"]) == ["green", "green", "yellow"]
    assert view["majority"] == "green"
    with pytest.raises(AuditError) as err:
        calibration.review(ann, item, "blue")
    assert err.value.status == 409


def test_calibration_reviews_are_not_audits(desk, auditors, create_message):
    item = _item(desk, create_message)
    for a in auditors:
        calibration.review(a, item, "yellow")
    assert db.session.query(Audit).count() == 0


def test_only_auditors_review_and_only_coach_replies_are_marked(desk, auditors, create_message):
    item = _item(desk, create_message)
    with pytest.raises(AuditError):
        calibration.review(desk.leader, item, "green")
    with pytest.raises(AuditError) as err:
        calibration.mark(desk.leader, desk.question)
    assert err.value.field == "message"
    with pytest.raises(AuditError) as err:
        calibration.mark(desk.leader, item.message)
    assert err.value.status == 409


def test_agreement_rates_by_hand(desk, auditors, create_message):
    """Four October items, three reviewers each:
    1: Ann green, Ben green, Cid yellow  -> majority green: Ann, Ben agree
    2: Ann blue,  Ben yellow, Cid yellow -> majority yellow: Ben, Cid agree
    3: Ann green, Ben blue, Cid yellow  -> tie, no majority: counts for nobody
    4: Ann yellow, Ben yellow, Cid yellow -> all agree
    Ann 2/3, Ben 3/3, Cid 2/3. An open item (2 of 3 reviews) and a September item do not count."""
    ann, ben, cid = auditors
    votes = [("green", "green", "yellow"), ("blue", "yellow", "yellow"), ("green", "blue", "yellow"),
             ("yellow", "yellow", "yellow")]
    for colors in votes:
        item = _item(desk, create_message)
        for auditor, color in zip(auditors, colors, strict=True):
            row = calibration.review(auditor, item, color, now=AT)
    late = _item(desk, create_message)
    calibration.review(ann, late, "green", now=AT)
    calibration.review(ben, late, "blue", now=AT)
    september = _item(desk, create_message)
    for auditor in auditors:
        row = calibration.review(auditor, september, "blue", now=AT - timedelta(days=30))
    assert row.at.month == 9
    rates = {r["name"]: (r["items"], r["agreed"], round(r["rate"], 4)) for r in calibration.agreement_rates(*OCT)}
    assert rates == {"Ann": (3, 2, 0.6667), "Ben": (3, 3, 1.0), "Cid": (3, 2, 0.6667)}


def test_calibration_page(client, auth, desk, auditors, create_message):
    auth.login(desk.leader)
    r = client.post("/audits/calibration/mark", data={"message_id": desk.reply.id, "reviewers_needed": 2})
    assert r.status_code == 302
    html = client.get("/audits/calibration").get_data(as_text=True)
    assert "0 of 2 reviews" in html and "Click the button." in html
    auth.logout()
    auth.login(auditors[0])
    item_id = calibration.items(auditors[0])[0].id
    client.post(f"/audits/calibration/{item_id}/review", data={"color": "blue", "comment": "ok"})
    html = client.get("/audits/calibration").get_data(as_text=True)
    assert "1 of 2 reviews" in html and "The others show once all have reviewed" in html
