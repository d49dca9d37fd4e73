"""POST /api/v1/ingest: all-or-nothing, idempotent, limited to 10,000 records, admin or ingest token."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from helpdesk.auth.services import create_token
from helpdesk.clients.models import DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db

URL = "/api/v1/ingest"


@pytest.fixture
def admin(create_user):
    return create_user("admin")


@pytest.fixture
def ingest_headers(create_user):
    def make(user=None):
        token = create_token(user or create_user("support"), label="platform", scope="ingest")
        db.session.flush()
        return {"Authorization": f"Bearer {token}"}

    return make


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def batch(client_ext):
    return {"records": [
        {"type": "daily_goal", "client": client_ext, "date": "2026-10-01", "hit": True},
        {"type": "survey", "client": client_ext, "at": "2026-10-28T12:00:00Z", "score": 9},
        {"type": "profit", "client": client_ext, "date": "2026-10-03", "amount": "120.00", "kind": "profit"},
        {"type": "profit", "client": client_ext, "date": "2026-10-03", "amount": "5.5", "kind": "ad_credit"},
    ]}


def test_admin_stores_a_batch_and_a_second_post_skips_everything(client, admin, api_headers, create_client):
    cl = create_client(external_id="cl-ingest-1")
    headers = api_headers(admin)
    first = client.post(URL, json=batch("cl-ingest-1"), headers=headers)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["stored"] == 4 and first.get_json()["skipped"] == 0
    assert count(DailyGoal) == 1 and count(SurveyResponse) == 1 and count(ProfitRecord) == 2
    profit = db.session.scalars(select(ProfitRecord).where(ProfitRecord.kind == "profit")).one()
    assert profit.client_id == cl.id and profit.amount == Decimal("120.00") and profit.date == date(2026, 10, 3)
    survey = db.session.scalars(select(SurveyResponse)).one()
    assert survey.at == datetime(2026, 10, 28, 12, tzinfo=UTC) and survey.score == 9

    second = client.post(URL, json=batch("cl-ingest-1"), headers=headers)
    assert second.status_code == 200
    assert second.get_json()["stored"] == 0 and second.get_json()["skipped"] == 4
    assert count(DailyGoal) == 1 and count(SurveyResponse) == 1 and count(ProfitRecord) == 2


def test_equal_records_match_whatever_their_spelling(client, admin, api_headers, create_client):
    create_client(external_id="cl-ingest-2")
    headers = api_headers(admin)
    client.post(URL, json=batch("cl-ingest-2"), headers=headers)
    same = {"records": [
        {"type": "survey", "client": "cl-ingest-2", "at": "2026-10-28T14:00:00+02:00", "score": 9},
        {"type": "profit", "client": "cl-ingest-2", "date": "2026-10-03", "amount": "120", "kind": "profit"},
        {"type": "profit", "client": "cl-ingest-2", "date": "2026-10-03", "amount": "120", "kind": "profit"},
    ]}
    body = client.post(URL, json=same, headers=headers).get_json()
    assert (body["stored"], body["skipped"]) == (0, 3)


def test_one_bad_record_stores_nothing_and_names_every_error(client, admin, api_headers, create_client):
    create_client(external_id="cl-ingest-3")
    records = batch("cl-ingest-3")["records"] + [
        {"type": "survey", "client": "cl-ingest-3", "at": "2026-10-28T12:00:00Z", "score": 11},
        {"type": "profit", "client": "nobody", "date": "2026-10-03", "amount": "1.00", "kind": "profit"},
        {"type": "message", "client": "cl-ingest-3"},
        {"type": "daily_goal", "client": "cl-ingest-3", "date": "2026-10-02"},
        {"type": "survey", "client": "cl-ingest-3", "at": "2026-10-28T12:00:00", "score": 3},
        {"type": "profit", "client": "cl-ingest-3", "date": "2026-10-03", "amount": "1.00001", "kind": "profit"},
    ]
    response = client.post(URL, json={"records": records}, headers=api_headers(admin))
    assert response.status_code == 422
    body = response.get_json()
    assert "nothing was stored" in body["message"]
    by_index = {e["index"]: e["message"] for e in body["errors"]}
    assert sorted(by_index) == [4, 5, 6, 7, 8, 9]
    assert "score" in by_index[4] and "0-10" in by_index[4]
    assert "no client with id 'nobody'" in by_index[5]
    assert by_index[6].startswith("type:")
    assert by_index[7] == "hit: required field is missing"
    assert "offset" in by_index[8]
    assert by_index[9] == "amount: has more than 4 decimal places: '1.00001'"  # the import format's own rule
    assert count(DailyGoal) == 0 and count(SurveyResponse) == 0 and count(ProfitRecord) == 0


def test_a_different_goal_for_a_stored_day_is_an_error(client, admin, api_headers, create_client):
    create_client(external_id="cl-ingest-4")
    headers = api_headers(admin)
    client.post(URL, json=batch("cl-ingest-4"), headers=headers)
    changed = {"records": [{"type": "daily_goal", "client": "cl-ingest-4", "date": "2026-10-01", "hit": False}]}
    response = client.post(URL, json=changed, headers=headers)
    assert response.status_code == 422
    assert "already recorded as hit=true" in response.get_json()["errors"][0]["message"]
    assert db.session.scalars(select(DailyGoal.hit)).one() is True


def test_a_coach_is_no_client(client, admin, api_headers, create_coach):
    create_coach(external_id="co-ingest")
    records = [{"type": "daily_goal", "client": "co-ingest", "date": "2026-10-01", "hit": True}]
    response = client.post(URL, json={"records": records}, headers=api_headers(admin))
    assert response.status_code == 422


def test_more_than_ten_thousand_records_is_refused(client, admin, api_headers, create_client):
    create_client(external_id="cl-ingest-5")
    record = {"type": "daily_goal", "client": "cl-ingest-5", "date": "2026-10-01", "hit": True}
    response = client.post(URL, json={"records": [record] * 10_001}, headers=api_headers(admin))
    assert response.status_code == 413
    assert "at most 10,000" in response.get_json()["message"]
    assert count(DailyGoal) == 0


def test_ten_thousand_records_are_accepted(client, admin, api_headers, create_client):
    create_client(external_id="cl-ingest-6")
    records = [{"type": "profit", "client": "cl-ingest-6", "date": "2026-10-01", "amount": f"{i}.25",
                "kind": "profit"} for i in range(10_000)]
    response = client.post(URL, json={"records": records}, headers=api_headers(admin))
    assert response.status_code == 200
    assert response.get_json()["stored"] == 10_000
    assert count(ProfitRecord) == 10_000


def test_body_must_hold_records(client, admin, api_headers):
    response = client.post(URL, json=[1, 2], headers=api_headers(admin))
    assert response.status_code == 422 and "records" in response.get_json()["message"]
    response = client.post(URL, json={"records": "x"}, headers=api_headers(admin))
    assert response.status_code == 422


def test_ingest_token_of_any_user_may_post(client, ingest_headers, create_client):
    create_client(external_id="cl-ingest-7")
    response = client.post(URL, json=batch("cl-ingest-7"), headers=ingest_headers())
    assert response.status_code == 200 and response.get_json()["stored"] == 4


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/threads", "/api/v1/sla", "/api/v1/rankings/2026-10",
                                  "/api/v1/jobs/1"])
def test_ingest_token_is_refused_everywhere_else(client, ingest_headers, create_user, path):
    admin = create_user("admin")
    assert client.get(path, headers=ingest_headers(admin)).status_code == 403


def test_ingest_token_cannot_open_pages(client, ingest_headers):
    # Tokens are only read under /api/: a page with a token is a signed-out visit.
    response = client.get("/rankings", headers=ingest_headers())
    assert response.status_code in (302, 404)


@pytest.mark.parametrize("role", ["coach", "team_leader", "support", "auditor", "client"])
def test_other_roles_with_full_tokens_are_refused(client, api_headers, create_user, create_client, role):
    create_client(external_id=f"cl-ingest-{role}")
    response = client.post(URL, json=batch(f"cl-ingest-{role}"), headers=api_headers(create_user(role)))
    assert response.status_code == 403
    assert count(DailyGoal) == 0


def test_signed_out_is_401(client):
    assert client.post(URL, json={"records": []}).status_code == 401


def test_an_unusable_batch_answers_the_whole_error_body(client, admin, api_headers, monkeypatch):
    response = client.post(URL, json={"records": "x"}, headers=api_headers(admin))
    assert response.get_json() == {
        "error": "unprocessable_entity", "status": 422,
        "message": 'the body must be a JSON object {"records": [...]} with a list of records'}
    monkeypatch.setattr("helpdesk.ingest.services.MAX_RECORDS", 2)
    response = client.post(URL, json={"records": [{}, {}, {}]}, headers=api_headers(admin))
    assert response.status_code == 413
    # werkzeug names 413 "Request Entity Too Large"; this endpoint has always said content_too_large
    assert response.get_json() == {
        "error": "content_too_large", "status": 413,
        "message": "a batch holds at most 2 records; this one has 3. Split it into smaller batches."}


@pytest.mark.parametrize("field, value", [("amount", "1e2"), ("amount", " 5.00"), ("date", "2026-1-03"),
                                          ("kind", "bonus")])
def test_fields_follow_the_import_format_exactly(client, admin, api_headers, create_client, field, value):
    """The same rules as `helpdesk import` (imports.fields): what one refuses, the other refuses too."""
    from helpdesk.imports.services import import_lines

    create_client(external_id="cl-ingest-9")
    record = {"type": "profit", "client": "cl-ingest-9", "date": "2026-10-03", "amount": "5.00", "kind": "profit",
              field: value}
    response = client.post(URL, json={"records": [record]}, headers=api_headers(admin))
    assert response.status_code == 422
    message = response.get_json()["errors"][0]["message"]
    assert message.startswith(f"{field}: ") and repr(value) in message
    imported = import_lines([json.dumps(record)], "f.jsonl")
    assert len(imported.errors) == 1 and message.split(": ", 1)[1] in imported.errors[0]
    assert count(ProfitRecord) == 0
