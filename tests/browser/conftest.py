"""The demo served by a real HTTP server, one per test module, and headless Chromium (Debian's) to drive it.

A module-scoped server means a module may change the demo (schedule a vacation, rate a coach) without
another module seeing it; a module that needs more people overrides `demo_scale`.
"""

import threading

import pytest

from tests.conftest import scratch_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def demo_scale():
    """How much of the demo program the module's server loads (0.1: 3 coaches, 30 clients)."""
    return 0.1


@pytest.fixture(scope="module")
def live_database(tmp_path_factory, request):
    """An empty database for the module's server (see tests.conftest.scratch_database)."""
    with scratch_database(request.module.__name__, tmp_path_factory.mktemp("live")) as url:
        yield url


@pytest.fixture(scope="module")
def live_app(live_database, demo_scale):
    """The app behind the module's server: the demo loaded into `live_database`, CSRF on, jobs in-process.

    Tests read it (inside `live_app.app_context()`) to find what a user would already know, such as a
    teammate's name, and may change it only through the services, as the app itself would."""
    from helpdesk import create_app
    from helpdesk.demo.loader import load_demo, set_demo_passwords
    from helpdesk.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": live_database, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute",
        "SECRET_KEY": "browser-test",
        "WTF_CSRF_ENABLED": True, "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    with app.app_context():
        db.create_all()
        load_demo(scale=demo_scale)
        set_demo_passwords()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_url(live_app):
    """(base URL, demo password) of the demo served by a real HTTP server on a free port."""
    from werkzeug.serving import make_server

    from helpdesk.demo.people import DEMO_PASSWORD

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", DEMO_PASSWORD
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(browser, live_url, login):
    """A new browser context (its own cookies) signed in as `login` with the demo password; its page."""
    url, password = live_url
    page = browser.new_context().new_page()
    page.goto(url + "/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page
