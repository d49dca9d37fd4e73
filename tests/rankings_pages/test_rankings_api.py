"""GET /api/v1/rankings/<month>, POST .../compute and GET /api/v1/jobs/<id>."""

import pytest

from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob


def test_leader_gets_every_row(client, api_headers, program, snapshot):
    response = client.get("/api/v1/rankings/2026-10", headers=api_headers(program.leader))
    assert response.status_code == 200
    body = response.get_json()
    assert body["month"] == "2026-10" and body["as_of"] == "2026-11-01T00:00:00+00:00" and not body["provisional"]
    rows = {r["coach"]: r for r in body["rows"]}
    assert list(rows) == ["co-ann", "co-bob", "co-cid"]
    ann = rows["co-ann"]
    assert ann["communication_quality"] == 1 and ann["mean_response_seconds"] == 7200
    assert ann["base_compensation"] == "1.50" and ann["bonus_fast_responder"] == "0.45"  # top: 1.50 * 0.30
    assert rows["co-bob"]["communication_quality"] == 0.5 and rows["co-bob"]["fast_responder_tier"] is None
    assert len(ann) == 26


def test_coach_gets_only_their_own_row(client, api_headers, program, snapshot):
    body = client.get("/api/v1/rankings/2026-10", headers=api_headers(program.bob.coach)).get_json()
    assert [r["coach"] for r in body["rows"]] == ["co-bob"]


@pytest.mark.parametrize("role", ["support", "auditor", "client"])
def test_other_roles_get_403(client, api_headers, create_user, snapshot, role):
    assert client.get("/api/v1/rankings/2026-10", headers=api_headers(create_user(role))).status_code == 403


def test_missing_and_malformed_months(client, api_headers, program, snapshot):
    headers = api_headers(program.leader)
    assert client.get("/api/v1/rankings/2026-09", headers=headers).status_code == 404
    assert client.get("/api/v1/rankings/october", headers=headers).status_code == 422


@pytest.fixture
def in_process(app, monkeypatch):
    """Jobs run in-process after the request, whatever REDIS_URL the suite was started with."""
    monkeypatch.setitem(app.config, "REDIS_URL", None)


def test_compute_returns_a_job_that_finishes(client, api_headers, program, in_process):
    headers = api_headers(program.leader)
    response = client.post("/api/v1/rankings/2026-10/compute", json={"as_of": "2026-10-03T00:00:00Z"},
                           headers=headers)
    assert response.status_code == 202
    job_id = response.get_json()["job_id"]
    assert response.get_json()["status_url"] == f"/api/v1/jobs/{job_id}"
    status = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
    assert status["status"] == "finished" and status["progress"] == 100 and status["error"] is None
    ranking = client.get("/api/v1/rankings/2026-10", headers=headers).get_json()
    # As of Oct 3 00:00 only the Oct 2 waits exist: Ann 1 h, Bob 10 h (Bob's Yellow came at 19:00).
    assert ranking["as_of"] == "2026-10-03T00:00:00+00:00" and ranking["provisional"] is True
    rows = {r["coach"]: r for r in ranking["rows"]}
    assert rows["co-ann"]["samples"] == 1 and rows["co-ann"]["mean_response_seconds"] == 3600
    assert rows["co-bob"]["mean_response_seconds"] == 36000


def test_compute_without_a_body_means_now(client, api_headers, program, in_process):
    response = client.post("/api/v1/rankings/2026-10/compute", headers=api_headers(program.leader))
    assert response.status_code == 202
    assert db.session.get(OutboxJob, response.get_json()["job_id"]).status == "finished"


def test_compute_checks_its_input_and_role(client, api_headers, program):
    headers = api_headers(program.leader)
    assert client.post("/api/v1/rankings/2026-10/compute", json={"as_of": "2026-10-03T00:00:00"},
                       headers=headers).status_code == 422  # no offset
    assert client.post("/api/v1/rankings/2026-1/compute", headers=headers).status_code == 422
    assert client.post("/api/v1/rankings/2026-10/compute",
                       headers=api_headers(program.ann.coach)).status_code == 403


def test_a_job_is_visible_to_its_requester_and_admins_only(client, api_headers, create_user, program):
    job = OutboxJob(name="workers.rankings.compute_ranking", args=["2026-10", None], status="started", progress=40,
                    progress_text="computing", requested_by_id=program.leader.id)
    db.session.add(job)
    db.session.flush()
    mine = client.get(f"/api/v1/jobs/{job.id}", headers=api_headers(program.leader)).get_json()
    assert (mine["status"], mine["progress"], mine["progress_text"]) == ("started", 40, "computing")
    assert client.get(f"/api/v1/jobs/{job.id}", headers=api_headers(create_user("admin"))).status_code == 200
    other_leader = create_user("team_leader")
    assert client.get(f"/api/v1/jobs/{job.id}", headers=api_headers(other_leader)).status_code == 404
    assert client.get("/api/v1/jobs/999999", headers=api_headers(program.leader)).status_code == 404


def test_compute_through_a_real_rq_worker(app, client, committed_db, program, redis_url):
    from helpdesk.auth.services import create_token
    from helpdesk.jobs import get_queue
    from helpdesk.worker import make_worker

    if db.engine.dialect.name == "sqlite":
        pytest.skip("a real worker needs a database it can share (PostgreSQL)")
    token = create_token(program.leader)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    get_queue().empty()
    job_id = client.post("/api/v1/rankings/2026-10/compute", json={"as_of": "2026-11-01T00:00:00Z"},
                         headers=headers).get_json()["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()["status"] == "queued"
    make_worker(app, simple=True).work(burst=True)
    db.session.expire_all()
    status = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
    assert (status["status"], status["progress"]) == ("finished", 100)
    rows = client.get("/api/v1/rankings/2026-10", headers=headers).get_json()["rows"]
    assert [r["coach"] for r in rows] == ["co-ann", "co-bob", "co-cid"]
