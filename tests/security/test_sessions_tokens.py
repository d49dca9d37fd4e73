"""A password change revokes API tokens; idle sign-ins expire on the server; the OpenAPI document describes
the error body the API really sends (issue 11, item 11)."""

from datetime import timedelta

from sqlalchemy import update

from helpdesk.auth.models import LoginSession
from helpdesk.extensions import db
from helpdesk.types import utcnow


def test_an_admin_password_change_revokes_the_users_tokens(client, auth, create_user, api_headers):
    coach = create_user("coach")
    headers = api_headers(coach)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    auth.login(create_user("admin"))
    response = client.post(f"/admin/users/{coach.id}/password", data={"password": "a brand new secret"},
                           follow_redirects=True)
    assert "1 API token(s) revoked" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_cli_password_change_revokes_the_users_tokens(client, runner, create_user, api_headers):
    coach = create_user("coach")
    headers = api_headers(coach)
    result = runner.invoke(args=["user", "set-password", coach.external_id, "--password", "a brand new secret"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_idle_sign_in_expires_on_the_server(app, client, auth, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 60)
    coach = create_user("coach")
    auth.login(coach)
    assert client.get("/").status_code in (200, 302)
    assert client.get("/api/v1/me").status_code == 200
    # Used 59 minutes ago: still signed in (and the use is noted).
    db.session.execute(update(LoginSession).where(LoginSession.user_id == coach.id)
                       .values(last_seen_at=utcnow() - timedelta(minutes=59)))
    assert client.get("/api/v1/me").status_code == 200
    # Unused for 61 minutes: the server has signed it out, although the cookie is unchanged.
    db.session.execute(update(LoginSession).where(LoginSession.user_id == coach.id)
                       .values(last_seen_at=utcnow() - timedelta(minutes=61)))
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_documented_error_body_is_the_one_sent(client, create_user, api_headers):
    spec = client.get("/api/v1/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "status", "errors"}
    assert set(error["required"]) == {"error", "message", "status"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            default = operation["responses"].get("default")
            assert default == {"$ref": "#/components/responses/DEFAULT_ERROR"}, (method, path)
    types = {"string": str, "integer": int}
    headers = api_headers(create_user("coach"))
    for response in (client.get("/api/v1/threads/999999", headers=headers), client.get("/api/v1/me"),
                     client.get("/api/v1/calibration/agreement", headers=headers),
                     client.get("/api/v1/threads?view=nope", headers=headers)):
        body = response.get_json()
        assert response.status_code >= 400 and set(body) <= set(error["properties"]), body
        assert set(error["required"]) <= set(body), body
        for name in error["required"]:
            assert isinstance(body[name], types[error["properties"][name]["type"]]), (name, body)
