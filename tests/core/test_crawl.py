"""Every link a signed-in user is shown leads somewhere, and following links changes nothing.

Each demo role's pages are crawled from its home page: same-site links (GET only), breadth-first, a bounded
number of pages per role. A link on our own page that answers 404, 403 or 500 is a bug a user would hit; so
is a page that fails to render, and so is a GET that changes a row (foundation: no state change on GET).
"""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from helpdesk.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from tests.conftest import scratch_database

MAX_PAGES = 120
# Links whose GET changes nothing but leaves the signed-in state or the HTML pages.
SKIP = re.compile(r"^/(logout|static/|api/)")
HREF = re.compile(r'href="([^"#]+)')

pytestmark = pytest.mark.own_app


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory):
    with scratch_database("crawl", tmp_path_factory.mktemp("crawl")) as url:
        yield url


@pytest.fixture(scope="module")
def demo_app(demo_database):
    from helpdesk import create_app
    from helpdesk.demo.loader import load_demo, set_demo_passwords
    from helpdesk.extensions import db

    # Rate limits stay on: Flask-Limiter's switch is global, and turning it off here would turn it off
    # for every test after this module.
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": demo_database, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute",
        "SECRET_KEY": "crawl-test", "WTF_CSRF_ENABLED": False,
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    with app.app_context():
        db.create_all()
        load_demo(scale=0.1)
        set_demo_passwords()
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _crawl(client, start: str) -> tuple[set[str], list[str]]:
    seen, problems = {start}, []
    queue = deque([start])
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302, 303):
            target = urlsplit(urljoin("http://localhost" + path, response.headers["Location"]))
            nxt = target.path + (f"?{target.query}" if target.query else "")
            if nxt not in seen and not SKIP.match(nxt):
                seen.add(nxt)
                queue.append(nxt)
            continue
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
            continue
        if not response.mimetype.startswith("text/html"):
            continue
        for href in HREF.findall(response.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            parts = urlsplit(urljoin("http://localhost" + path, href))
            if parts.netloc != "localhost":
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen and not SKIP.match(link):
                seen.add(link)
                queue.append(link)
    return seen, problems


def _contents() -> dict[str, int]:
    """A hash of every table's rows but the sign-in sessions' (which note when they were last used)."""
    from sqlalchemy import select

    from helpdesk.extensions import db

    return {table.name: hash(tuple(tuple(row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns))))
            for table in db.metadata.sorted_tables if table.name != "login_sessions"}


@pytest.mark.parametrize("role", sorted(DEMO_LOGINS))
def test_every_link_a_role_is_shown_works_and_no_get_changes_anything(demo_app, role):
    client = demo_app.test_client()
    with demo_app.app_context():
        signed_in = client.post("/login", data={"login": DEMO_LOGINS[role], "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302
        before = _contents()
        seen, problems = _crawl(client, "/")
        after = _contents()
    assert not problems, problems
    assert [name for name in before if before[name] != after[name]] == []  # GET never changes state
    assert len(seen) > 3, seen  # the crawl really went somewhere
