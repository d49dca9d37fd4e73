"""The demo tried as a new user would, in headless Chromium (Debian's) driven by Playwright."""

import os
import uuid

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.mark.parametrize("login, shown, hidden", [
    ("demo-client", ["My threads", "Rate my coach"], ["Inbox", "Audit queue", "Rankings", "Users"]),
    ("demo-coach", ["Inbox", "Coverage", "My standing"], ["Rankings", "Users", "Audit queue"]),
    ("demo-team-leader", ["Inbox", "Rankings", "SLA", "Unassigned"], ["Users", "Audit queue"]),
    ("demo-auditor", ["Audit queue", "Calibration"], ["Inbox", "Rankings", "Users"]),
    ("demo-support", ["Tickets", "Moderation"], ["Inbox", "Rankings", "Users"]),
    ("demo-admin", ["Users", "Rankings", "Audit queue"], ["My threads"]),
])
def test_each_demo_role_sees_its_own_navigation(browser, live_url, login, shown, hidden):
    page = sign_in(browser, live_url, login)
    nav = page.locator("nav.mainnav a").all_inner_texts()
    for label in shown:
        assert label in nav, (login, nav)
    for label in hidden:
        assert label not in nav, (login, nav)
    page.context.close()


def test_client_writes_coach_answers_client_reads(browser, live_url):
    url, _ = live_url
    subject = f"Ad platform fee question {uuid.uuid4().hex[:6]}"

    client = sign_in(browser, live_url, "demo-client")
    client.goto(url + "/my/threads")
    client.fill("input[name=subject]", subject)
    client.fill("textarea[name=body]", "How do I pay the ad platform fee this month?")
    client.click("form[action$='/my/threads'] button[type=submit]")
    client.wait_for_load_state()
    assert "How do I pay the ad platform fee this month?" in client.content()
    thread_url = client.url

    coach = sign_in(browser, live_url, "demo-coach")
    coach.goto(url + "/inbox?view=waiting")
    row = coach.locator("tr", has_text=subject)
    assert row.count() == 1
    assert row.locator(".badge").count() >= 1  # the waiting badge
    row.locator("a", has_text=subject).click()
    coach.wait_for_load_state()
    # A saved reply goes into the reply box, where it can be edited before sending.
    assert coach.locator("template[id^=saved-reply-]").count() > 1  # the demo coach has saved replies
    coach.fill("#saved-reply-search", "Payout schedule")
    coach.press("#saved-reply-search", "Enter")
    assert "Payouts go out every Friday" in coach.input_value("#reply-body")
    # "answered here" link to one of the client's older threads.
    coach.locator("button.insert-link").first.click()
    assert "answered here: " in coach.input_value("#reply-body")
    coach.fill("#reply-body", coach.input_value("#reply-body") + "\nYou can pay it under Billing > Fees.")
    coach.click("form.reply-box button[type=submit]")
    coach.wait_for_load_state()
    assert "You can pay it under Billing" in coach.content()

    client.goto(thread_url)
    assert "You can pay it under Billing" in client.content()
    # Nothing staff-only reaches the client's page.
    html = client.content()
    assert "Coach communication" not in html and "SC Audit" not in html
    client.context.close()
    coach.context.close()


def test_auditor_takes_a_queue_item_and_leaves_a_yellow(browser, live_url):
    url, _ = live_url
    auditor = sign_in(browser, live_url, "demo-auditor")
    auditor.goto(url + "/audits/queue")
    claims = auditor.locator("form[action*='/claim'] button")
    assert claims.count() >= 1  # the demo drew the daily sample
    claims.first.click()
    auditor.wait_for_load_state()
    thread_href = auditor.locator("a", has_text="Open the whole thread").get_attribute("href")
    auditor.select_option("select[name=color]", "yellow")
    comment = f"Please name the exact fee and link the article {uuid.uuid4().hex[:6]}"
    auditor.fill("textarea[name=comment]", comment)
    auditor.click("text=Save audit")
    auditor.wait_for_load_state()
    assert "Audit saved" in auditor.content()
    # The thread's coach communication area now shows the Yellow with its comment and 24 h clock.
    auditor.goto(url + thread_href if thread_href.startswith("/") else thread_href)
    html = auditor.content()
    assert comment in html and "Needs Improvement" in html
    auditor.context.close()


def test_team_leader_sees_the_stored_ranking(browser, live_url):
    url, _ = live_url
    leader = sign_in(browser, live_url, "demo-team-leader")
    leader.goto(url + "/rankings")
    assert leader.locator("table tbody tr").count() >= 1
    assert leader.locator("a", has_text="Download CSV").count() == 1
    leader.context.close()
