"""Email: choices per kind, the instant and digest sweeps, delivery through a real SMTP server (aiosmtpd on
loopback), retries, unsubscribe links, and no staff-only text in any email."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from helpdesk.extensions import db
from helpdesk.mail import services
from helpdesk.mail.models import MailDelivery, MailPreference
from helpdesk.mail.transport import FileTransport, SmtpTransport
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow
from tests.servers import spare_port


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a spare loopback port; yields (its inbox, its MAIL_URL)."""
    inbox = Inbox()
    port = spare_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def people(create_user, create_coach):
    leader = create_user("team_leader", name="Tara Lead", email="tara@example.test")
    coach = create_coach(team_leader=leader, name="Ravi Coach", email="ravi@example.test")
    client = create_user("client", name="Freya Silva", email="freya@example.test")
    return leader, coach, client


def test_instant_notification_is_emailed_once_through_smtp(people, smtp_server):
    leader, coach, client = people
    inbox, url = smtp_server
    notify(coach.id, "sla_warning", "Freya Silva has waited 20 h in \u201cVerifying my identity\u201d", "/threads/7")
    db.session.flush()
    assert services.queue_instant() == 1
    assert services.deliver_queued(SmtpTransport(url)) == {"sent": 1, "failed": 0}
    assert services.queue_instant() == 0  # the sweep moved on
    assert services.deliver_queued(SmtpTransport(url)) == {"sent": 0, "failed": 0}
    assert len(inbox.messages) == 1
    rcpt, message = inbox.messages[0]
    assert rcpt == ["ravi@example.test"]
    assert message["Subject"].startswith("Freya Silva has waited 20 h")
    body = message.get_payload(decode=True).decode()
    assert "http://127.0.0.1:5000/threads/7" in body
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/mail/unsubscribe/")


def test_modes_instant_digest_off(people, tmp_path):
    leader, coach, client = people
    services.set_mode(coach, "client_message", "off")
    services.set_mode(coach, "sla_warning", "digest")
    notify(coach.id, "client_message", "Freya Silva wrote: Payouts")
    notify(coach.id, "sla_warning", "Freya Silva has waited 20 h")
    notify(client.id, "reply", "Ravi Coach replied: Payouts")  # instant by default
    db.session.flush()
    assert services.queue_instant() == 1
    assert services.queue_digests(utcnow().date()) == 1  # the coach's digest: the warning only
    assert services.queue_digests(utcnow().date()) == 0  # once a day
    digest = db.session.scalars(db.select(MailDelivery).where(MailDelivery.kind == "digest")).one()
    assert "waited 20 h" in digest.body and "Payouts" not in digest.body
    result = services.deliver_queued(FileTransport(tmp_path))
    assert result == {"sent": 2, "failed": 0}
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_a_failed_send_is_retried_and_nothing_sent_twice(people, smtp_server):
    leader, coach, client = people
    inbox, url = smtp_server
    notify(client.id, "reply", "Ravi Coach replied: Payouts")
    db.session.flush()
    services.queue_instant()
    dead = SmtpTransport(f"smtp://127.0.0.1:{spare_port()}", timeout=2)  # nothing listens there
    assert services.deliver_queued(dead) == {"sent": 0, "failed": 1}
    row = db.session.scalars(db.select(MailDelivery)).one()
    assert row.status == "failed" and row.attempts == 1 and row.error
    assert services.deliver_queued(SmtpTransport(url)) == {"sent": 1, "failed": 0}
    assert services.deliver_queued(SmtpTransport(url)) == {"sent": 0, "failed": 0}
    assert len(inbox.messages) == 1


def test_a_send_abandoned_mid_way_is_taken_up_after_the_claim_times_out(people, tmp_path):
    leader, coach, client = people
    notify(client.id, "reply", "Ravi Coach replied: Payouts")
    db.session.flush()
    services.queue_instant()
    row = db.session.scalars(db.select(MailDelivery)).one()
    row.status, row.claimed_at = "sending", utcnow()  # a worker died while sending
    db.session.flush()
    assert services.deliver_queued(FileTransport(tmp_path)) == {"sent": 0, "failed": 0}
    later = utcnow() + services.CLAIM_TIMEOUT + timedelta(minutes=1)
    assert services.deliver_queued(FileTransport(tmp_path), now=later) == {"sent": 1, "failed": 0}


def test_settings_page_saves_each_kind_and_refuses_an_unknown_mode(client, auth, people):
    leader, coach, _ = people
    auth.login(coach)
    page = client.get("/settings/email")
    assert page.status_code == 200 and "ravi@example.test" in page.get_data(as_text=True)
    form = {p["kind"]: p["mode"] for p in services.preferences(coach)}
    form["client_message"] = "off"
    assert client.post("/settings/email", data=form).status_code == 302
    assert services.mode_for(coach.id, "client_message") == "off"
    form["client_message"] = "hourly"
    response = client.post("/settings/email", data=form, headers={"Referer": "http://localhost/settings/email"})
    assert response.status_code == 302
    assert services.mode_for(coach.id, "client_message") == "off"  # nothing half-saved
    assert "Choose one of" in client.get("/settings/email").get_data(as_text=True)


def test_unsubscribe_link_asks_on_get_and_turns_the_kind_off_on_post(client, people):
    _, coach, _ = people
    token = services.unsubscribe_token(coach.id, "client_message")
    page = client.get(f"/mail/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails?" in page.get_data(as_text=True)
    assert services.mode_for(coach.id, "client_message") == "digest"  # a GET changes nothing
    done = client.post(f"/mail/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert services.mode_for(coach.id, "client_message") == "off"
    assert db.session.scalars(db.select(MailPreference)).one().mode == "off"


def test_a_forged_unsubscribe_link_is_404(client, people):
    _, coach, _ = people
    token = services.unsubscribe_token(coach.id, "client_message")
    assert client.get(f"/mail/unsubscribe/{token[:-2]}xx").status_code == 404
    assert client.post("/mail/unsubscribe/not-a-token").status_code == 404


def test_the_warnings_job_s_warning_is_emailed_naming_the_client(people, smtp_server, assign, create_thread,
                                                                  create_message):
    """The warnings job stores its notifications in bulk; the instant sweep still finds and sends them."""
    from workers.warnings import send_sla_warnings

    leader, coach, client = people
    inbox, url = smtp_server
    assign(client, coach)
    thread = create_thread(client, subject="Verifying my identity")
    create_message(thread, client, sent_at=utcnow() - timedelta(hours=21))
    assert send_sla_warnings()["wait_warnings"] == 1
    assert services.queue_instant() == 1
    assert services.deliver_queued(SmtpTransport(url)) == {"sent": 1, "failed": 0}
    (rcpt, message), = inbox.messages
    assert rcpt == ["ravi@example.test"]
    assert message["Subject"].startswith("Freya Silva has waited over 20 h for your reply")
    assert f"http://127.0.0.1:5000/threads/{thread.id}" in message.get_payload(decode=True).decode()
