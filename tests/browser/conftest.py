"""The demo served by a real HTTP server, one per test module, and headless Chromium (Debian's) to drive it.

A module-scoped server means a module may change the demo (schedule a vacation, rate a coach) without
another module seeing it; a module that needs more people overrides `demo_scale`.
"""

import os
import re
import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def demo_scale():
    """How much of the demo program the module's server loads (0.1: 3 coaches, 30 clients)."""
    return 0.1


@pytest.fixture(scope="module")
def live_database(tmp_path_factory, request):
    """The URL of an empty database for the module's server: a fresh PostgreSQL database when the suite
    runs on PostgreSQL (DATABASE_URL), so the browser reaches the same database as production; a
    temporary SQLite file otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('live')}/live.sqlite3"
        return
    from sqlalchemy import create_engine, text

    name = "helpdesk_live_" + re.sub(r"[^a-z0-9]+", "_", request.module.__name__.rsplit(".", 1)[-1].lower())
    url = re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql+psycopg://", url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


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
        "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "SECRET_KEY": "browser-test",
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
