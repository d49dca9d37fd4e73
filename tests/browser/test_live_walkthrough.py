"""Live pages in a real browser (issue #14): two staff on one waiting thread see each other typing, the
second's send is held with the first's reply shown, and a client's new message reaches the coach's open inbox
and bell without a reload, and marking all read in one tab clears the bell in another.

The server runs the demo with the in-process broker on SQLite, and with Redis pub/sub when the suite runs on
PostgreSQL + Redis (REDIS_URL set), so both brokers are driven end to end.
"""

import os
import uuid

import pytest
from sqlalchemy import select

from tests.browser.conftest import CHROMIUM, sign_in

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def live_app(live_database, demo_scale):
    """The demo's app as in conftest.live_app, but with REDIS_URL when the suite has one (Redis pub/sub
    and presence in Redis); without it, the in-process broker."""
    from helpdesk import create_app
    from helpdesk.demo.loader import load_demo, set_demo_passwords
    from helpdesk.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": live_database, "SQLALCHEMY_ENGINE_OPTIONS": {},
        "REDIS_URL": os.environ.get("REDIS_URL") or None, "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute", "SECRET_KEY": "browser-test", "WTF_CSRF_ENABLED": True,
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    })
    with app.app_context():
        db.create_all()
        load_demo(scale=demo_scale)
        set_demo_passwords()
        db.session.commit()
    from tests.live.conftest import clear_presence

    clear_presence(app)
    yield app
    clear_presence(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def open_as(browser, live_url):
    """Sign in as a demo login in a fresh browser context; collects what the console reports as errors
    (a script refused by the CSP, a failed fetch); every context is closed after the test."""
    pages, errors = [], []

    def open_as(login):
        page = sign_in(browser, live_url, login)
        page.on("console", lambda m: errors.append(f"{login}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"{login}: {exc}"))
        pages.append(page)
        return page

    open_as.errors = errors
    yield open_as
    for page in pages:
        page.context.close()


def _waiting_thread_of(login):
    """The id and subject of one waiting thread of the demo coach's clients, and the coach's name."""
    from helpdesk.auth.models import User
    from helpdesk.clients.coach_at import coach_id_at
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Thread

    coach = db.session.scalar(select(User).where(User.external_id == login))
    for thread in db.session.scalars(select(Thread).where(Thread.waiting_since.is_not(None)).order_by(Thread.id)):
        if coach_id_at(thread.client_id) == coach.id:
            return thread.id, thread.subject, coach.name
    raise AssertionError("the demo gives demo-coach waiting threads")


def _name(login):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    return db.session.scalar(select(User.name).where(User.external_id == login))


def test_two_staff_on_one_thread_see_each_other_typing_and_the_second_send_is_held(live_app, live_url, open_as):
    url, _ = live_url
    with live_app.app_context():
        thread_id, subject, coach_name = _waiting_thread_of("demo-coach")
        leader_name = _name("demo-team-leader")

    coach = open_as("demo-coach")
    coach.goto(f"{url}/threads/{thread_id}")
    leader = open_as("demo-team-leader")
    leader.goto(f"{url}/threads/{thread_id}")
    coach_inbox = open_as("demo-coach")
    coach_inbox.goto(f"{url}/inbox?view=all")

    # Each sees the other viewing; while the leader types, the coach's page and inbox row say so.
    expect(coach.get_by_test_id("presence")).to_have_text(f"{leader_name} is viewing", timeout=10_000)
    expect(leader.get_by_test_id("presence")).to_have_text(f"{coach_name} is viewing", timeout=10_000)
    leader.locator("#reply-body").press_sequentially("Let me check this for you", delay=20)
    expect(coach.get_by_test_id("presence")).to_have_text(f"{leader_name} is replying", timeout=10_000)
    row = coach_inbox.locator(f"table.inbox-rows tr[data-thread='{thread_id}']")
    expect(row.get_by_test_id("row-presence")).to_contain_text(f"{leader_name} is replying", timeout=10_000)

    # The coach answers first.
    answer = f"Done: the payout is on its way ({uuid.uuid4().hex[:6]})."
    coach.fill("#reply-body", answer)
    with coach.expect_navigation():
        coach.locator("form.reply-box button[type=submit].primary", has_text="Send").click()
    expect(coach.locator("article.message.from-staff", has_text=answer)).to_have_count(1)

    # The leader's open page shows the coach's reply without a reload, marked new.
    leader.evaluate("window.__notReloaded = true")
    expect(leader.get_by_test_id("live-message").filter(has_text=answer)).to_have_count(1, timeout=10_000)
    expect(leader.get_by_test_id("live-notice")).to_contain_text(f"1 new message from {coach_name}")
    assert leader.evaluate("window.__notReloaded") is True
    expect(leader.locator("#reply-body")).to_have_value("Let me check this for you")

    # Sending what was typed before reading it is held: the new message is shown, nothing is sent twice.
    with leader.expect_navigation():
        leader.locator("form.reply-box button[type=submit].primary", has_text="Send").last.click()
    expect(leader.get_by_test_id("collision")).to_contain_text("Your reply was not sent")
    expect(leader.get_by_test_id("new-message")).to_contain_text(answer)
    expect(leader.locator("#reply-body")).to_have_value("Let me check this for you")
    with live_app.app_context():
        from helpdesk.extensions import db
        from helpdesk.inbox.models import Message

        bodies = db.session.scalars(select(Message.body).where(Message.thread_id == thread_id)).all()
    assert bodies.count(answer) == 1 and "Let me check this for you" not in bodies
    # The held reply's page is a 409, which the console reports; nothing else may be an error.
    assert [e for e in open_as.errors if "status of 409" not in e] == []


def test_a_clients_new_message_reaches_the_coachs_open_inbox_and_bell_without_reload(live_app, live_url, open_as):
    from helpdesk.clients.coach_at import coach_id_at

    url, _ = live_url
    with live_app.app_context():
        from helpdesk.auth.models import User
        from helpdesk.extensions import db

        client_user = db.session.scalar(select(User).where(User.external_id == "demo-client"))
        coach_user = db.session.scalar(select(User).where(User.external_id == "demo-coach"))
        assert coach_id_at(client_user.id) == coach_user.id

    coach = open_as("demo-coach")
    coach.goto(f"{url}/inbox?view=all")
    coach.evaluate("window.__notReloaded = true")
    bell = coach.locator("a.bell")
    before = int(bell.get_attribute("aria-label").split(": ")[1].split()[0])
    waiting_before = int(coach.get_by_test_id("count-waiting").inner_text())

    subject = f"Card declined at checkout {uuid.uuid4().hex[:6]}"
    client = open_as("demo-client")
    client.goto(url + "/my/threads")
    client.fill("input[name=subject]", subject)
    client.fill("textarea[name=body]", "My card is declined at checkout since this morning.")
    with client.expect_navigation():
        client.locator("form[action$='/my/threads'] button[type=submit]").click()

    row = coach.locator("table.inbox-rows tr", has_text=subject)
    expect(row).to_have_count(1, timeout=10_000)
    expect(row).to_contain_text("My card is declined at checkout")
    expect(coach.get_by_test_id("count-waiting")).to_have_text(str(waiting_before + 1))
    expect(bell).to_have_attribute("aria-label", f"Notifications: {before + 1} unread", timeout=10_000)
    expect(coach.get_by_test_id("bell-count")).to_have_text(str(before + 1))
    assert coach.evaluate("window.__notReloaded") is True

    # The client's page never shows staff presence, and its stream is refused staff topics.
    client.goto(coach.url.split("/inbox")[0] + "/my/threads")
    assert client.locator("[data-testid=presence]").count() == 0
    assert open_as.errors == []


def test_marking_all_read_in_one_tab_clears_the_bell_in_another_without_reload(live_app, live_url, open_as):
    """Marking read is one UPDATE (no ORM object flushed): the coach's other open tab still hears it."""
    url, _ = live_url
    with live_app.app_context():
        from helpdesk.auth.models import User
        from helpdesk.extensions import db
        from helpdesk.notifications.services import notify

        coach_id = db.session.scalar(select(User.id).where(User.external_id == "demo-coach"))
        notify(coach_id, "client_message", "A client wrote")
        db.session.commit()

    inbox = open_as("demo-coach")
    inbox.goto(f"{url}/inbox?view=all")
    inbox.evaluate("window.__notReloaded = true")
    expect(inbox.get_by_test_id("bell-count")).to_have_count(1)
    other = open_as("demo-coach")
    other.goto(f"{url}/notifications/")
    with other.expect_navigation():
        other.get_by_role("button", name="Mark all read").click()

    expect(inbox.locator("a.bell")).to_have_attribute("aria-label", "Notifications: 0 unread", timeout=10_000)
    expect(inbox.get_by_test_id("bell-count")).to_have_count(0)
    assert inbox.evaluate("window.__notReloaded") is True
    assert open_as.errors == []
