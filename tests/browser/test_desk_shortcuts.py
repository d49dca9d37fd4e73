"""The desk at keyboard speed, in a real browser (issue #14): ? lists the shortcuts, n opens the thread that
has waited longest, s finds a saved reply by typing and inserts it with the client's name filled in, and
Ctrl+Enter sends it."""

import os

import pytest
from sqlalchemy import select

from tests.browser.conftest import CHROMIUM, sign_in

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


def _longest_waiting(live_app, login):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.inbox.bulk import next_waiting

    with live_app.app_context():
        coach = db.session.scalar(select(User).where(User.external_id == login))
        thread = next_waiting(coach)
        return thread.id, thread.client.name.split(" ")[0]


def test_shortcuts_next_waiting_saved_reply_and_send(browser, live_url, live_app):
    page = sign_in(browser, live_url, "demo-coach")
    url, _ = live_url
    page.goto(url + "/inbox")
    page.keyboard.press("?")
    help_list = page.locator("[data-testid=shortcuts-help]")
    assert help_list.is_visible() and "Next waiting thread" in help_list.inner_text()
    page.keyboard.press("Escape")
    assert not help_list.is_visible()

    thread_id, first_name = _longest_waiting(live_app, "demo-coach")
    page.keyboard.press("n")
    page.wait_for_url(f"**/threads/{thread_id}")

    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.id") == "saved-reply-search"
    page.keyboard.type("three options")
    page.keyboard.press("Enter")
    box = page.locator("#reply-body")
    text = box.input_value()
    assert text.startswith(f"Hi {first_name}, there are three ways to pay") and "{{" not in text
    assert page.evaluate("document.activeElement.id") == "reply-body"

    box.press("Control+Enter")
    page.wait_for_load_state()
    last = page.locator("article.message").last
    assert f"Hi {first_name}, there are three ways to pay" in last.inner_text()
    page.context.close()
