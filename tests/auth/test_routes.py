from sqlalchemy import select

from helpdesk.auth.models import LoginSession
from helpdesk.extensions import db


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_pages_redirect_to_login_when_signed_out(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_refused(client, auth, create_user):
    user = create_user("coach")
    auth.login(user)
    auth.logout()
    response = client.post("/login", data={"login": user.external_id, "password": "wrong password!"})
    assert response.status_code == 401
    assert b"not right" in response.data


def test_imported_user_without_password_cannot_sign_in(client, create_user):
    user = create_user("coach")
    assert user.password_hash is None
    response = client.post("/login", data={"login": user.external_id, "password": ""})
    assert response.status_code == 200  # form error, not signed in
    response = client.post("/login", data={"login": user.external_id, "password": "anything at all"})
    assert response.status_code == 401


def test_login_hashes_with_argon2id_and_sets_safe_cookie(client, auth, create_user):
    user = create_user("admin")
    response = auth.login(user)
    assert user.password_hash.startswith("$argon2id$")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_really_ends_the_session(app, client, auth, create_user):
    user = create_user("admin")
    auth.login(user)
    assert client.get("/admin/users").status_code == 200
    # Keep a copy of the signed-in cookie, as an attacker who stole it would.
    stolen = client.get_cookie("session").value
    auth.logout()
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id)).ended_at is not None
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/admin/users").status_code == 302


def test_new_session_at_login(client, auth, create_user):
    user = create_user("admin")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login(user)
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_open_redirect_is_refused(client, auth, create_user):
    user = create_user("admin")
    from helpdesk.auth.services import set_password

    set_password(user, auth.PASSWORD)
    response = client.post("/login?next=https://evil.example/", data={"login": user.external_id, "password": auth.PASSWORD})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_role_decorator_forbids_other_roles(client, auth, create_user):
    auth.login(create_user("coach"))
    assert client.get("/admin/users").status_code == 403


def test_login_is_rate_limited(app, client, create_user):
    user = create_user("coach")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/login", data={"login": user.external_id, "password": "nope nope nope"}).status_code
                 for _ in range(5)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_logout_requires_post(client):
    assert client.get("/logout").status_code == 405


def test_csrf_is_enforced_on_forms(app, create_user):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/login", data={"login": "x", "password": "y"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_admin_user_search_takes_wildcards_literally(client, auth, create_user):
    auth.login(create_user("admin", name="Ada Admin"))
    create_user("coach", name="Under_score Coach")
    create_user("coach", name="Plain Coach")
    html = client.get("/admin/users?q=_").get_data(as_text=True)
    assert "Under_score Coach" in html and "Plain Coach" not in html
    html = client.get("/admin/users?q=%25").get_data(as_text=True)  # "%"
    assert "Under_score Coach" not in html and "Plain Coach" not in html
