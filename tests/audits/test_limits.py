"""Length limits (#11 item 8), enforced by the services: the page, the API and the import refuse the same
text with a 422 (a flash on pages) naming the field, and store nothing."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.audits.models import Audit, CommunicationNote
from helpdesk.audits.services import AUDIT_COMMENT_MAX, DISPUTE_REASON_MAX, NOTE_MAX
from helpdesk.extensions import db
from helpdesk.types import utcnow


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(r, field):
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert field in body["errors"]["json"] and "At most" in body["errors"]["json"][field][0], body


def test_note_longer_than_the_limit_is_refused_by_api_and_page(client, auth, api_headers, desk):
    url = f"/api/v1/threads/{desk.thread.id}/communication"
    _refused(client.post(url, json={"body": "n" * (NOTE_MAX + 1)}, headers=api_headers(desk.leader)), "body")
    auth.login(desk.leader)
    r = client.post(f"/audits/threads/{desk.thread.id}/notes", data={"body": "n" * (NOTE_MAX + 1)},
                    follow_redirects=True)
    assert "Body: At most 5,000 characters" in r.get_data(as_text=True)
    assert _count(CommunicationNote) == 0
    assert client.post(f"/audits/threads/{desk.thread.id}/notes", data={"body": "n" * NOTE_MAX}).status_code == 302
    assert _count(CommunicationNote) == 1


def test_audit_comment_longer_than_the_limit_is_refused_by_api_and_page(client, auth, api_headers, desk):
    too_long = "c" * (AUDIT_COMMENT_MAX + 1)
    url = f"/api/v1/messages/{desk.reply.id}/audits"
    _refused(client.post(url, json={"color": "yellow", "comment": too_long}, headers=api_headers(desk.auditor)),
             "comment")
    auth.login(desk.auditor)
    r = client.post(f"/audits/messages/{desk.reply.id}", data={"color": "yellow", "comment": too_long},
                    follow_redirects=True)
    assert "Comment: At most 5,000 characters" in r.get_data(as_text=True)
    assert _count(Audit) == 0


def test_dispute_reason_and_follow_up_note_longer_than_the_limit_are_refused(client, api_headers, desk, audit,
                                                                            create_message):
    a = audit("yellow", at=utcnow() - timedelta(hours=3))
    better = create_message(desk.thread, desk.coach, sent_at=utcnow() - timedelta(hours=1), body="Better")
    coach = api_headers(desk.coach)
    _refused(client.post(f"/api/v1/audits/{a.id}/dispute", json={"reason": "r" * (DISPUTE_REASON_MAX + 1)},
                         headers=coach), "reason")
    _refused(client.post(f"/api/v1/audits/{a.id}/action",
                         json={"message_id": better.id, "note": "n" * (NOTE_MAX + 1)}, headers=coach), "note")
    db.session.refresh(a)
    assert (a.disputed_at, a.acted_message_id) == (None, None)


def test_a_nul_character_is_refused_naming_the_field(client, api_headers, desk):
    r = client.post(f"/api/v1/threads/{desk.thread.id}/communication", json={"body": "a\x00b"},
                    headers=api_headers(desk.leader))
    assert r.status_code == 422 and "body" in r.get_json()["errors"]["json"]


def test_the_import_refuses_an_audit_comment_over_the_same_limit():
    from helpdesk.imports.services import import_lines
    from tests.imports.conftest import EXAMPLE

    lines = [json.loads(x) for x in EXAMPLE]
    audit_line = next(x for x in lines if x["type"] == "audit")
    audit_line["comment"] = "c" * (AUDIT_COMMENT_MAX + 1)
    result = import_lines([json.dumps(x) for x in lines], "f.jsonl")
    assert len(result.errors) == 1 and '"comment"' in result.errors[0], result.errors
    assert _count(Audit) == 0


@pytest.mark.parametrize("length", [2_000, 2_001])
def test_calibration_comment_limit(client, api_headers, desk, length, create_user):
    from helpdesk.calibration import services as calibration
    from helpdesk.calibration.models import CalibrationReview

    create_user("auditor")  # two auditors, so an item of two reviews may close
    item = calibration.mark(desk.leader, desk.reply, 2)
    r = client.post(f"/api/v1/calibration/items/{item.id}/reviews", json={"color": "blue", "comment": "c" * length},
                    headers=api_headers(desk.auditor))
    if length > calibration.CALIBRATION_COMMENT_MAX:
        _refused(r, "comment")
        assert _count(CalibrationReview) == 0
    else:
        assert r.status_code == 201 and _count(CalibrationReview) == 1


def test_the_import_refuses_a_second_audit_of_a_message_by_the_same_auditor():
    """One audit per message and auditor (uq_audits_message_auditor), in one file and against stored rows:
    an error line naming both audits, and nothing stored, instead of an IntegrityError."""
    from helpdesk.imports.services import import_lines
    from tests.imports.conftest import EXAMPLE

    lines = [json.loads(x) for x in EXAMPLE]
    again = dict(next(x for x in lines if x["type"] == "audit"), id="a-2", color="yellow")
    result = import_lines([json.dumps(x) for x in lines + [again]], "f.jsonl")
    assert result.errors == ['f.jsonl:13: audit "a-2": auditor "au-1" already audited message "m-2" '
                             '(audit "a-1", line 9); an auditor audits a message once']
    assert _count(Audit) == 0
    assert import_lines([json.dumps(x) for x in lines], "f.jsonl").ok
    result = import_lines([json.dumps(again)], "g.jsonl")
    assert result.errors == ['g.jsonl:1: audit "a-2": auditor "au-1" already audited message "m-2" '
                             '(audit "a-1", stored); an auditor audits a message once']
    assert _count(Audit) == 1
