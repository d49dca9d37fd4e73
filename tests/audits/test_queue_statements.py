"""The auditors' queue sends as many statements for thirty sampled replies as for two (issue #15: no N+1)."""

from datetime import timedelta

from helpdesk.audits.models import AuditSample
from helpdesk.extensions import db
from tests.audits.conftest import T
from tests.statements import statements_for_page


def _sample(n, create_coach, create_client, create_thread, create_message):
    """n replies, each by a coach of its own, drawn into the queue (over three days)."""
    for i in range(n):
        coach = create_coach(name=f"Coach {i}")
        client = create_client(coach=coach)
        thread = create_thread(client)
        create_message(thread, client, sent_at=T + timedelta(minutes=i))
        reply = create_message(thread, coach, sent_at=T + timedelta(hours=1, minutes=i), body=f"Reply {i}")
        db.session.add(AuditSample(message_id=reply.id, coach_id=coach.id,
                                   sample_day=(T + timedelta(days=i % 3)).date()))
    db.session.flush()


def test_the_queue_page_and_api_send_no_statement_per_item(client, auth, api_headers, desk, create_coach,
                                                           create_client, create_thread, create_message):
    headers = {"headers": api_headers(desk.auditor)}
    auth.login(desk.auditor)
    _sample(2, create_coach, create_client, create_thread, create_message)
    few = (len(statements_for_page(client, "/audits/queue")),
           len(statements_for_page(client, "/api/v1/audits/queue", **headers)))
    _sample(28, create_coach, create_client, create_thread, create_message)
    many = (len(statements_for_page(client, "/audits/queue")),
            len(statements_for_page(client, "/api/v1/audits/queue", **headers)))
    page = client.get("/audits/queue").get_data(as_text=True)
    assert page.count("<tr data-item=") == 30 and "Reply 27" in page and "Coach 27" in page
    assert many == few


def test_the_coach_picker_sends_no_statement_per_coach(client, auth, desk, create_coach, create_client,
                                                       create_thread, create_message):
    auth.login(desk.auditor)
    _sample(2, create_coach, create_client, create_thread, create_message)
    few = (len(statements_for_page(client, "/audits/queue/coaches?q=coach")),
           len(statements_for_page(client, "/audits/queue?coach=coach")))
    _sample(18, create_coach, create_client, create_thread, create_message)
    many = (len(statements_for_page(client, "/audits/queue/coaches?q=coach")),
            len(statements_for_page(client, "/audits/queue?coach=coach")))
    assert len(client.get("/audits/queue/coaches?q=coach").get_json()) == 20
    assert "Coach 17" in client.get("/audits/queue?coach=coach").get_data(as_text=True)
    assert many == few
