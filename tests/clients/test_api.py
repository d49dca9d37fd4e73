from datetime import timedelta

from sqlalchemy import func, select

from helpdesk.clients.feedback import month_bounds
from helpdesk.clients.models import CoachRating, SurveyResponse
from helpdesk.extensions import db
from helpdesk.types import utcnow


def test_coach_reads_facts_and_balance_only_while_granted(client, api_headers, desk):
    d = desk
    coach, kim = api_headers(d.ann), api_headers(d.kim)
    body = client.get(f"/api/v1/clients/{d.kim.id}", headers=coach).get_json()
    assert body["name"] == "Kim" and body["coach"] == {"id": d.ann.id, "name": "Ann"}
    assert body["balance_visible"] is False and body["balance"] is None
    assert "email" not in body and "kim@example.com" not in str(body)

    granted = client.put(f"/api/v1/clients/{d.kim.id}/balance-consent", json={"granted": True}, headers=kim)
    assert granted.status_code == 200 and granted.get_json() == {"client_id": d.kim.id, "granted": True}
    body = client.get(f"/api/v1/clients/{d.kim.id}", headers=coach).get_json()
    assert body["balance_visible"] is True and body["balance"] == "1234.50"

    revoked = client.put(f"/api/v1/clients/{d.kim.id}/balance-consent", json={"granted": False}, headers=kim)
    assert revoked.get_json()["granted"] is False
    # the coach's very next call no longer has it
    body = client.get(f"/api/v1/clients/{d.kim.id}", headers=coach).get_json()
    assert body["balance_visible"] is False and body["balance"] is None
    assert client.get(f"/api/v1/clients/{d.kim.id}/balance-consent", headers=coach).get_json()["granted"] is False


def test_a_coach_cannot_see_another_coachs_client(client, api_headers, desk):
    d = desk
    for path in (f"/api/v1/clients/{d.joe.id}", f"/api/v1/clients/{d.joe.id}/balance-consent"):
        response = client.get(path, headers=api_headers(d.ann))
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    assert client.get("/api/v1/clients/999999", headers=api_headers(d.ann)).status_code == 404
    assert client.get(f"/api/v1/clients/{d.ann.id}", headers=api_headers(d.lea)).status_code == 404  # not a client


def test_team_leader_and_auditor_see_facts_of_the_clients_they_may_see(client, api_headers, desk):
    d = desk
    assert client.get(f"/api/v1/clients/{d.joe.id}", headers=api_headers(d.lea)).status_code == 200
    assert client.get(f"/api/v1/clients/{d.una.id}", headers=api_headers(d.lea)).get_json()["coach"] is None
    assert client.get(f"/api/v1/clients/{d.zoe.id}", headers=api_headers(d.lea)).status_code == 404
    assert client.get(f"/api/v1/clients/{d.zoe.id}", headers=api_headers(d.auditor)).status_code == 200


def test_a_client_cannot_call_staff_endpoints(client, api_headers, desk):
    d = desk
    kim = api_headers(d.kim)
    assert client.get(f"/api/v1/clients/{d.kim.id}", headers=kim).status_code == 403
    assert client.get(f"/api/v1/clients/{d.joe.id}", headers=kim).status_code == 403
    # another client's consent: 404, whether reading or writing
    assert client.get(f"/api/v1/clients/{d.joe.id}/balance-consent", headers=kim).status_code == 404
    response = client.put(f"/api/v1/clients/{d.joe.id}/balance-consent", json={"granted": True}, headers=kim)
    assert response.status_code == 404
    assert d.joe.balance_visible_to_coach is False
    # the client's own consent, readable by the client, with nothing else in it
    assert client.get(f"/api/v1/clients/{d.kim.id}/balance-consent", headers=kim).get_json() == {
        "client_id": d.kim.id, "granted": False}


def test_staff_cannot_grant_consent_for_a_client(client, api_headers, desk):
    d = desk
    for staff in (d.ann, d.admin):
        response = client.put(f"/api/v1/clients/{d.kim.id}/balance-consent", json={"granted": True},
                              headers=api_headers(staff))
        assert response.status_code == 403
    assert d.kim.balance_visible_to_coach is False


def test_consent_must_be_a_boolean(client, api_headers, desk):
    response = client.put(f"/api/v1/clients/{desk.kim.id}/balance-consent", json={"granted": "perhaps"},
                          headers=api_headers(desk.kim))
    assert response.status_code == 422
    assert "granted" in response.get_json()["message"]
    response = client.put(f"/api/v1/clients/{desk.kim.id}/balance-consent", json={}, headers=api_headers(desk.kim))
    assert response.status_code == 422 and "granted" in response.get_json()["message"]


def test_signed_out_calls_are_401(client, desk):
    assert client.get(f"/api/v1/clients/{desk.kim.id}").status_code == 401
    assert client.post("/api/v1/ratings", json={"stars": 5}).status_code == 401
    assert client.post("/api/v1/surveys", json={"score": 5}).status_code == 401


def test_rating_is_created_then_updated(client, api_headers, desk):
    d = desk
    kim = api_headers(d.kim)
    first = client.post("/api/v1/ratings", json={"stars": 3, "comment": "OK"}, headers=kim)
    assert first.status_code == 201
    assert first.get_json()["stars"] == 3 and first.get_json()["coach_id"] == d.ann.id
    second = client.post("/api/v1/ratings", json={"stars": 5, "comment": "Great now"}, headers=kim)
    assert second.status_code == 200
    assert (second.get_json()["stars"], second.get_json()["comment"]) == (5, "Great now")
    assert db.session.scalar(select(func.count()).select_from(CoachRating)
                             .where(CoachRating.client_id == d.kim.id)) == 1
    facts = client.get(f"/api/v1/clients/{d.kim.id}", headers=api_headers(d.ann)).get_json()
    assert facts["rating"]["stars"] == 5 and facts["rating"]["comment"] == "Great now"


def test_bad_ratings_name_the_field(client, api_headers, desk):
    kim = api_headers(desk.kim)
    for body in ({"stars": 0}, {"stars": 6}, {"stars": "5"}, {"comment": "no stars"}):
        response = client.post("/api/v1/ratings", json=body, headers=kim)
        assert response.status_code == 422, body
        payload = response.get_json()
        assert payload["message"].startswith("stars:") and "stars" in payload["errors"]["json"]
    long_comment = client.post("/api/v1/ratings", json={"stars": 4, "comment": "x" * 2001}, headers=kim)
    assert long_comment.status_code == 422 and "comment" in long_comment.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(CoachRating)) == 0


def test_a_client_without_a_coach_cannot_rate(client, api_headers, desk):
    response = client.post("/api/v1/ratings", json={"stars": 4}, headers=api_headers(desk.una))
    assert response.status_code == 409 and "no coach" in response.get_json()["message"]


def test_staff_cannot_rate_or_answer_the_survey(client, api_headers, desk):
    assert client.post("/api/v1/ratings", json={"stars": 4}, headers=api_headers(desk.ann)).status_code == 403
    assert client.post("/api/v1/surveys", json={"score": 4}, headers=api_headers(desk.lea)).status_code == 403


def test_survey_once_a_month(client, api_headers, desk):
    kim = api_headers(desk.kim)
    # an answer from last month does not count against this month
    last_month = month_bounds(utcnow())[0] - timedelta(days=1)
    db.session.add(SurveyResponse(client_id=desk.kim.id, score=2, at=last_month))
    db.session.flush()
    first = client.post("/api/v1/surveys", json={"score": 9}, headers=kim)
    assert first.status_code == 201 and first.get_json()["score"] == 9
    second = client.post("/api/v1/surveys", json={"score": 10}, headers=kim)
    assert second.status_code == 409
    assert "already answered" in second.get_json()["message"]
    scores = db.session.scalars(select(SurveyResponse.score).order_by(SurveyResponse.at)).all()
    assert scores == [2, 9]
    facts = client.get(f"/api/v1/clients/{desk.kim.id}", headers=api_headers(desk.ann)).get_json()
    assert facts["last_survey"]["score"] == 9


def test_bad_survey_scores_name_the_field(client, api_headers, desk):
    kim = api_headers(desk.kim)
    for body in ({"score": 11}, {"score": -1}, {"score": 7.5}, {}):
        response = client.post("/api/v1/surveys", json=body, headers=kim)
        assert response.status_code == 422, body
        assert response.get_json()["message"].startswith("score:")
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_client_responses_hold_no_staff_fields(client, api_headers, desk):
    kim = api_headers(desk.kim)
    rating = client.post("/api/v1/ratings", json={"stars": 4}, headers=kim).get_json()
    assert set(rating) == {"coach_id", "stars", "comment", "updated_at"}
    survey = client.post("/api/v1/surveys", json={"score": 7}, headers=kim).get_json()
    assert set(survey) == {"id", "score", "at"}


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/clients/{client_id}", "/api/v1/clients/{client_id}/balance-consent",
                 "/api/v1/ratings", "/api/v1/surveys"):
        assert path in paths
    assert set(paths["/api/v1/clients/{client_id}/balance-consent"]) >= {"get", "put"}


def test_a_refusal_answers_the_whole_error_body(client, api_headers, desk):
    response = client.post("/api/v1/ratings", json={"stars": 4}, headers=api_headers(desk.una))
    assert response.get_json() == {"error": "conflict", "status": 409,
                                   "message": "You have no coach yet, so there is no one to rate."}


def test_unassigned_queue_and_assignment_through_the_api(client, api_headers, desk, create_thread):
    d = desk
    create_thread(d.una, "Fees?", waiting_since=utcnow() - timedelta(hours=3))
    h = api_headers(d.lea)
    queue = client.get("/api/v1/clients/unassigned", headers=h).get_json()
    assert [(c["name"], [t["subject"] for t in c["waiting_threads"]]) for c in queue["items"]] == [("Una", ["Fees?"])]
    assert queue["total"] == 1 and queue["page"] == 1

    r = client.post(f"/api/v1/clients/{d.una.id}/assignment", json={"coach_id": d.bob.id}, headers=h)
    assert r.status_code == 201, r.get_json()
    assert (r.get_json()["client_id"], r.get_json()["coach_id"], r.get_json()["ends_at"]) == (d.una.id, d.bob.id, None)
    assert client.get("/api/v1/clients/unassigned", headers=h).get_json()["items"] == []
    # The same coach again is refused; a coach of another team cannot be chosen.
    again = client.post(f"/api/v1/clients/{d.una.id}/assignment", json={"coach_id": d.bob.id}, headers=h)
    assert again.status_code == 409 and "already assigned to Bob" in again.get_json()["message"]
    other = client.post(f"/api/v1/clients/{d.una.id}/assignment", json={"coach_id": d.cal.id}, headers=h)
    assert other.status_code == 422 and other.get_json()["errors"] == {"json": {"coach_id": ["Choose a coach from your team."]}}
    # Reassigning within the team ends Bob's assignment.
    moved = client.post(f"/api/v1/clients/{d.una.id}/assignment", json={"coach_id": d.ann.id}, headers=h)
    assert moved.status_code == 201
    assert client.get(f"/api/v1/clients/{d.una.id}", headers=api_headers(d.ann)).get_json()["coach"]["name"] == "Ann"


def test_assignment_api_is_for_leaders_and_admins_and_hides_other_teams_clients(client, api_headers, desk):
    d = desk
    assert client.post(f"/api/v1/clients/{d.zoe.id}/assignment", json={"coach_id": d.ann.id},
                       headers=api_headers(d.lea)).status_code == 404  # Tom's team's client
    assert client.post(f"/api/v1/clients/{d.lea.id}/assignment", json={"coach_id": d.ann.id},
                       headers=api_headers(d.lea)).status_code == 404  # not a client
    for user in (d.ann, d.kim, d.auditor, d.support):
        assert client.get("/api/v1/clients/unassigned", headers=api_headers(user)).status_code == 403
        assert client.post(f"/api/v1/clients/{d.una.id}/assignment", json={"coach_id": d.ann.id},
                           headers=api_headers(user)).status_code == 403
    missing = client.post(f"/api/v1/clients/{d.una.id}/assignment", json={}, headers=api_headers(d.lea))
    assert missing.status_code == 422 and "coach_id" in missing.get_json()["message"]
    admin = client.post(f"/api/v1/clients/{d.zoe.id}/assignment", json={"coach_id": d.ann.id},
                        headers=api_headers(d.admin))
    assert admin.status_code == 201  # an admin may assign any coach
