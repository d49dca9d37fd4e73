from helpdesk.extensions import db


def test_me_with_bearer_token(client, api_headers, create_user):
    user = create_user("coach", name="Cora Coach", external_id="co-1")
    response = client.get("/api/v1/me", headers=api_headers(user))
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "external_id": "co-1", "role": "coach", "name": "Cora Coach"}


def test_me_with_browser_session(client, auth, create_user):
    user = create_user("auditor")
    auth.login(user)
    assert client.get("/api/v1/me").get_json()["role"] == "auditor"


def test_me_without_credentials_is_json_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"] == "unauthorized" and body["message"]


def test_bad_and_revoked_tokens_are_401(client, create_user):
    from helpdesk.auth.services import create_token, revoke_tokens

    user = create_user("coach")
    token = create_token(user)
    db.session.flush()
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert revoke_tokens(user) == 1
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_tokens_are_stored_hashed(create_user):
    from helpdesk.auth.models import ApiToken
    from helpdesk.auth.services import create_token

    token = create_token(create_user("coach"))
    db.session.flush()
    row = db.session.query(ApiToken).one()
    assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/me" in spec.get_json()["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"/api/v1/me" in page.data


def test_token_cli_create_and_revoke(runner, client, create_user):
    create_user("admin", external_id="ad-1")
    result = runner.invoke(args=["token", "create", "ad-1"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["external_id"] == "ad-1"
    result = runner.invoke(args=["token", "revoke", "ad-1"])
    assert "revoked 1" in result.output
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_cli_unknown_user(runner):
    result = runner.invoke(args=["token", "create", "nobody"])
    assert result.exit_code != 0 and "no user" in result.output


def test_set_password_cli(runner, client, create_user):
    create_user("coach", external_id="co-9")
    result = runner.invoke(args=["user", "set-password", "co-9"], input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"login": "co-9", "password": "long enough pw"})
    assert response.status_code == 302
    short = runner.invoke(args=["user", "set-password", "co-9"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10" in short.output


def test_admin_sets_a_password(client, auth, create_user):
    admin = create_user("admin")
    coach = create_user("coach")
    auth.login(admin)
    response = client.post(f"/admin/users/{coach.id}/password", data={"password": "brand new password"})
    assert response.status_code == 302
    auth.logout()
    assert client.post("/login", data={"login": coach.external_id, "password": "brand new password"}).status_code == 302


def test_a_body_that_is_not_json_is_a_clear_400(client, api_headers, create_user):
    headers = {**api_headers(create_user("client")), "Content-Type": "application/json"}
    response = client.post("/api/v1/threads", data="not json", headers=headers)
    assert response.status_code == 400
    assert response.get_json()["message"] == "Invalid JSON body."


def test_a_bearer_call_works_from_a_browser_that_has_a_session_cookie(client, api_headers, create_user):
    """E.g. "Try it out" on /api/v1/docs after visiting the sign-in page: the cookie holds a CSRF token but
    no signed-in user. The token decides, and the call leaves the browser's session alone."""
    user = create_user("coach", name="Tok Coach")
    client.post("/logout")  # a session holding a flash ("You are signed out."), no user
    assert client.get_cookie("session") is not None
    before = client.get_cookie("session").value
    response = client.get("/api/v1/me", headers=api_headers(user))
    assert response.status_code == 200 and response.get_json()["name"] == "Tok Coach"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session").value == before
