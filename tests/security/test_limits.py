"""One place for the text limits and a cap on request bodies (issue 11, item 8)."""

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.inbox.models import SavedReply
from helpdesk.limits import MAX_CONTENT_LENGTH, TEXT_LIMITS, TooLong, check_length


def test_check_length_names_the_field():
    assert check_length("body", "x" * TEXT_LIMITS["note"], "note") == "x" * TEXT_LIMITS["note"]
    assert check_length("body", None, "note") is None
    with pytest.raises(TooLong) as refused:
        check_length("comment", "x" * (TEXT_LIMITS["comment"] + 1), "comment")
    assert refused.value.status == 422 and refused.value.field == "comment"


def test_a_saved_reply_over_its_limit_is_refused_and_not_stored(client, auth, create_coach):
    auth.login(create_coach())
    count = db.session.scalar(select(func.count()).select_from(SavedReply))
    too_long = "x" * (TEXT_LIMITS["saved_reply_body"] + 1)
    response = client.post("/saved-replies", data={"title": "Fees", "body": too_long, "kind": "reply"},
                           follow_redirects=True)
    assert "Body: At most 20,000 characters." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SavedReply)) == count
    response = client.post("/saved-replies", data={"title": "Fees", "body": "x" * 20_000, "kind": "reply"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SavedReply)) == count + 1


def test_request_bodies_are_capped_with_a_json_413_in_the_api(client, create_client, create_coach, api_headers):
    headers = api_headers(create_client(coach=create_coach()))
    body = {"subject": "Fee", "body": "x" * (MAX_CONTENT_LENGTH + 1)}
    response = client.post("/api/v1/threads", json=body, headers=headers)
    assert response.status_code == 413
    assert response.get_json()["status"] == 413
    assert 4 * 1024 * 1024 < MAX_CONTENT_LENGTH <= 16 * 1024 * 1024
