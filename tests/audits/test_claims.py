"""Audit-queue claims are enforced (#11 item 4): an item claimed by another auditor is a 409 to open or to
audit, in the page and the API; its claim and its place in the queue stay with the auditor who holds it."""

import pytest
from sqlalchemy import func, select

from helpdesk.audits import queue
from helpdesk.audits.models import Audit
from helpdesk.extensions import db


@pytest.fixture
def claimed(desk):
    """The desk's reply sampled and claimed by the desk's auditor."""
    queue.build_sample(desk.reply.sent_at.date())
    item = queue.open_items(desk.auditor)[0]
    queue.claim(desk.auditor, item.id)
    db.session.flush()
    return item


def _audits():
    return db.session.scalar(select(func.count()).select_from(Audit))


def test_another_auditor_cannot_open_a_claimed_item(client, auth, desk, claimed, create_user):
    auth.login(create_user("auditor"))
    r = client.get(f"/audits/queue/{claimed.id}")
    assert r.status_code == 409
    assert "Click the button." not in r.get_data(as_text=True)


def test_another_auditor_cannot_audit_a_claimed_reply_through_the_api(client, api_headers, desk, claimed,
                                                                       create_user):
    r = client.post(f"/api/v1/messages/{desk.reply.id}/audits", headers=api_headers(create_user("auditor")),
                    json={"color": "green"})
    assert r.status_code == 409, r.get_json()
    assert "item" in r.get_json()["errors"]["json"]
    assert _audits() == 0
    db.session.refresh(claimed)
    assert (claimed.claimed_by_id, claimed.audit_id) == (desk.auditor.id, None)


def test_another_auditor_cannot_audit_a_claimed_reply_from_the_page(client, auth, desk, claimed, create_user):
    auth.login(create_user("admin"))
    r = client.post(f"/audits/messages/{desk.reply.id}", data={"color": "green"}, follow_redirects=True)
    assert "Another auditor has already claimed this reply" in r.get_data(as_text=True)
    assert _audits() == 0


def test_the_auditor_holding_the_claim_audits_it(client, api_headers, desk, claimed):
    r = client.post(f"/api/v1/messages/{desk.reply.id}/audits", headers=api_headers(desk.auditor),
                    json={"color": "green"})
    assert r.status_code == 201
    db.session.refresh(claimed)
    assert claimed.audit_id == r.get_json()["id"]
