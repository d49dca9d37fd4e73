"""Security headers on every response: pages, API and errors (issue 11, item 6)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _assert_hardened(response, cached=False):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0], csp
    assert "frame-ancestors 'none'" in csp
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "same-origin"
    if not cached:
        assert "no-store" in headers.get("Cache-Control", ""), (response.request.path, headers.get("Cache-Control"))


def test_signed_in_pages_and_error_pages(client, auth, create_coach):
    _assert_hardened(client.get("/login"))
    auth.login(create_coach())
    for path, status in (("/inbox", 200), ("/threads/999999", 404), ("/no-such-page", 404),
                         (f"/inbox?page={10**9}", 400)):
        response = client.get(path)
        assert response.status_code == status, path
        _assert_hardened(response)


def test_api_answers_and_api_errors(client, create_coach, api_headers):
    headers = api_headers(create_coach())
    for path, status in (("/api/v1/me", 200), ("/api/v1/threads/999999", 404), ("/api/v1/calibration/agreement", 403),
                         ("/api/v1/nothing", 404), ("/api/v1/openapi.json", 200)):
        response = client.get(path, headers=headers)
        assert response.status_code == status, path
        _assert_hardened(response)
    _assert_hardened(client.get("/api/v1/me"))  # 401


def test_static_files_carry_the_headers_but_may_be_cached(client):
    response = client.get("/static/app.css")
    _assert_hardened(response, cached=True)
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_hsts_only_in_production(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "HELPDESK_ENV", "production")
    assert client.get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_inline_script(template):
    """The CSP refuses inline script, so a template that has some would silently stop working."""
    html = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to helpdesk/static"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline on* handler: use addEventListener in a static file"
    assert "javascript:" not in html
