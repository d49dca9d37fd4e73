"""Issue 13's "Done when", tried as a new user would in the demo: a coach files a ticket with a screenshot and
a link to a message, is told which field is missing and loses nothing typed; asks the team leader a question
that becomes a ticket; the team leader triages and assigns it; support replies and sets waiting on coach; the
coach's reply reopens it; support resolves; seven days later (the job run with the clock set forward) it is
closed.
"""

import io
import os
import re
from datetime import timedelta

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM, sign_in

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.fixture
def open_as(browser, live_url):
    pages = []

    def open_as(login):
        page = sign_in(browser, live_url, login)
        pages.append(page)
        return page

    yield open_as
    for page in pages:
        page.context.close()


def submit(page, button):
    with page.expect_navigation():
        (page.locator(button) if isinstance(button, str) else button).click()


def _coach_message_link(live_app) -> str:
    """A message in one of demo-coach's threads, as the coach would copy its link."""
    from sqlalchemy import select

    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message
    from helpdesk.inbox.services import visible_threads

    with live_app.app_context():
        coach = db.session.scalar(select(User).where(User.external_id == "demo-coach"))
        thread = db.session.scalars(visible_threads(coach).order_by("id")).first()
        message = db.session.scalar(select(Message.id).where(Message.thread_id == thread.id).limit(1))
        return f"/threads/{thread.id}#m{message}"


def _screenshot(tmp_path):
    path = tmp_path / "error.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (220, 40, 40)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _ticket_id(page) -> int:
    return int(re.search(r"/tickets/(\d+)", page.url)[1])


def test_ticket_journey(open_as, live_app, live_url, tmp_path):
    from helpdesk.types import utcnow

    shot, link = _screenshot(tmp_path), _coach_message_link(live_app)
    coach = open_as("demo-coach")

    # 1. File with a screenshot and a message link, forgetting When: told exactly that, nothing typed lost
    coach.goto(live_url[0] + "/tickets/new")
    coach.select_option("select[name=who_ids]", index=0)
    coach.fill("textarea[name=what]", "The payout page shows 'method invalid' for my client")
    coach.fill("textarea[name=links]", link)
    coach.fill("input[name=where]", "/payouts")
    coach.set_input_files("input[name=screenshots]", shot)
    submit(coach, "text=File ticket")
    expect(coach.get_by_test_id("missing")).to_contain_text("When")
    expect(coach.get_by_test_id("error-when")).to_contain_text("When is missing")
    expect(coach.get_by_test_id("files-again")).to_be_visible()
    expect(coach.locator("textarea[name=what]")).to_have_value("The payout page shows 'method invalid' for my client")
    expect(coach.locator("input[name=where]")).to_have_value("/payouts")
    coach.fill("input[name=when]", (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    coach.fill("input[name=times_seen]", "2")
    coach.check("input[name=still_happening][value=yes]")
    coach.set_input_files("input[name=screenshots]", shot)
    submit(coach, "text=File ticket")
    expect(coach.get_by_test_id("status")).to_have_text("new")
    expect(coach.locator("#attachments img")).to_have_count(1)
    expect(coach.get_by_test_id("desk-links").locator("a")).to_have_count(1)

    # 2. Ask the team leader instead
    coach.goto(live_url[0] + "/questions/new")
    coach.fill("textarea[name=body]", "A client cannot verify her bank account since Monday. Ticket-worthy?")
    submit(coach, "text=Send question")
    expect(coach.get_by_test_id("question-status")).to_have_text("open")

    # 3. The team leader escalates it in one click, triages and assigns it
    leader = open_as("demo-team-leader")
    leader.goto(live_url[0] + "/tickets/triage")
    submit(leader, leader.get_by_test_id("questions").get_by_text("cannot verify her bank account"))
    submit(leader, "text=Turn into a ticket for support")
    ticket_url = leader.url
    expect(leader.get_by_test_id("status")).to_have_text("new")
    leader.select_option("select[name=status]", "triaged")
    leader.select_option("select[name=priority]", "high")
    leader.select_option("select[name=category]", "billing")
    agent = leader.locator("select[name=assignee_id] option", has_text="(support)").first.get_attribute("value")
    leader.select_option("select[name=assignee_id]", agent)
    submit(leader, "button:text-is(\"Save\")")
    expect(leader.get_by_test_id("status")).to_have_text("triaged")

    # 4. Support starts, replies, sets waiting on coach
    support = open_as("demo-support")
    support.goto(ticket_url)
    support.select_option("select[name=status]", "in_progress")
    submit(support, "button:text-is(\"Save\")")
    support.fill("textarea[name=body]", "Which bank is it? Please ask the client.")
    submit(support, "button:text-is(\"Send\")")
    support.select_option("select[name=status]", "waiting_on_coach")
    submit(support, "button:text-is(\"Save\")")
    expect(support.get_by_test_id("status")).to_have_text("waiting on coach")

    # 5. The coach's reply reopens it
    coach.goto(ticket_url)
    expect(coach.get_by_test_id("reply")).to_contain_text("Which bank is it?")
    coach.fill("textarea[name=body]", "It is Northbank.")
    submit(coach, "button:text-is(\"Send\")")
    expect(coach.get_by_test_id("status")).to_have_text("in progress")

    # 6. Support resolves
    support.goto(ticket_url)
    support.select_option("select[name=status]", "resolved")
    submit(support, "button:text-is(\"Save\")")
    expect(support.get_by_test_id("status")).to_have_text("resolved")

    # 7. Seven days later the job closes it
    from workers.tickets import close_stale_resolved

    with live_app.app_context():
        assert close_stale_resolved((utcnow() + timedelta(days=7, minutes=1)).isoformat())["closed"] >= 1
    coach.goto(ticket_url)
    expect(coach.get_by_test_id("status")).to_have_text("closed")
    expect(coach.get_by_test_id("timeline")).to_contain_text("the desk: resolved → closed")
