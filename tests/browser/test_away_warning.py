"""Warnings follow coverage, end to end (issue #14's "Done when"): the demo coach is away, their client's
question reaches 20 h, and the covering teammate is told in the app (the bell, the notification naming the
client and the thread, opening it) and by email through a real SMTP server (aiosmtpd on loopback)."""

import os
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.browser.conftest import CHROMIUM, sign_in
from tests.mail.test_mail import Inbox
from tests.servers import spare_port

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]

SUBJECT = "Verifying my identity"


@pytest.fixture
def smtp_inbox(live_app):
    inbox, port = Inbox(), spare_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    live_app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    try:
        yield inbox
    finally:
        live_app.config["MAIL_URL"] = None
        controller.stop()


def _away_coach_with_a_waiting_client(live_app):
    """The demo coach goes on vacation today; one of their clients asked 20 h and a minute ago. The
    teammate who covers, with a password as an admin would give it; (teammate login, email, client name)."""
    from helpdesk.auth.models import Role, User
    from helpdesk.auth.services import set_password
    from helpdesk.clients.models import Assignment, Vacation
    from helpdesk.demo.people import DEMO_PASSWORD
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message, Thread
    from helpdesk.inbox.thread_state import refresh_thread_state
    from helpdesk.types import utcnow

    with live_app.app_context():
        coach = db.session.scalar(select(User).where(User.external_id == "demo-coach"))
        teammate = db.session.scalar(select(User).where(
            User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id, User.id != coach.id,
            User.active.is_(True)).order_by(User.id).limit(1))
        client = db.session.scalar(select(User).join(Assignment, Assignment.client_id == User.id).where(
            Assignment.coach_id == coach.id, Assignment.ends_at.is_(None)).order_by(User.id).limit(1))
        now = utcnow()
        db.session.add(Vacation(coach_id=coach.id, starts_on=now.date(), ends_on=now.date() + timedelta(days=2)))
        thread = Thread(client_id=client.id, subject=SUBJECT, created_at=now - timedelta(hours=21))
        db.session.add(thread)
        db.session.flush()
        db.session.add(Message(thread_id=thread.id, author_id=client.id, body="My ID upload keeps failing.",
                               sent_at=now - timedelta(hours=20, minutes=1)))
        db.session.flush()
        refresh_thread_state([thread.id])
        teammate.email = teammate.email or f"{teammate.external_id}@example.test"
        set_password(teammate, DEMO_PASSWORD)
        db.session.commit()
        return teammate.external_id, teammate.email, client.name, thread.id


def test_the_covering_teammate_is_warned_in_the_app_and_by_email(browser, live_url, live_app, smtp_inbox):
    from workers.mail import send_instant
    from workers.warnings import send_sla_warnings

    login, email, client_name, thread_id = _away_coach_with_a_waiting_client(live_app)
    with live_app.app_context():
        send_sla_warnings()
        assert send_instant()["sent"] >= 1

    mails = [m for rcpt, m in smtp_inbox.messages if email in rcpt]
    wanted = f"{client_name} has waited"
    ours = [m for m in mails if wanted in m["Subject"] and SUBJECT in m["Subject"]]
    assert len(ours) == 1, [m["Subject"] for m in mails]
    assert f"/threads/{thread_id}" in ours[0].get_payload(decode=True).decode()

    page = sign_in(browser, live_url, login)
    assert int(page.locator("[data-testid=bell-count]").inner_text()) >= 1
    page.click("a.bell")
    note = page.locator("li, tr, article", has_text=wanted).filter(has_text=SUBJECT).last
    assert note.count() == 1
    note.locator("button, a").first.click()
    page.wait_for_url(f"**/threads/{thread_id}*")
    assert "My ID upload keeps failing." in page.content()
    page.context.close()
