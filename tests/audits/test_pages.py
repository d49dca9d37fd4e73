"""The pages: the communication area on the thread, the Audits view, the queue; and a client who tries
every route they can reach, looking for any trace of an audit or a staff note."""

from datetime import timedelta

import pytest

from helpdesk.audits.area import add_note
from helpdesk.audits.feedback import act_on_yellow
from helpdesk.extensions import db
from helpdesk.types import utcnow

SECRET_COMMENT = "Zebra-comment: explain the budget button"
SECRET_NOTE = "Quokka-note between staff"


@pytest.fixture
def audited(desk, audit):
    """A fresh Yellow (3 h old) with a secret comment, and a staff note, on the desk's thread."""
    a = audit("yellow", comment=SECRET_COMMENT, at=utcnow() - timedelta(hours=3))
    add_note(desk.leader, desk.thread, SECRET_NOTE)
    db.session.flush()
    return a


def _html(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_staff_see_the_area_labels_and_red_notice(client, auth, desk, audited):
    auth.login(desk.coach)
    html = _html(client.get(f"/threads/{desk.thread.id}"))
    assert "Coach communication" in html and SECRET_COMMENT in html and SECRET_NOTE in html
    assert "SC Audit · Yellow" in html
    assert 'data-testid="yellow-notice"' in html
    assert "20 h 59 min left of its 24 h" in html  # audited 3 h (and a moment) ago
    assert "Write a better reply to the client below" in html


def test_coach_links_a_better_reply_from_the_thread(client, auth, desk, audited):
    auth.login(desk.coach)
    r = client.post(f"/threads/{desk.thread.id}/reply", data={"body": "Go to Settings, then Budget."})
    assert r.status_code == 302
    html = _html(client.get(f"/threads/{desk.thread.id}"))
    assert "Link it" in html
    better = desk.thread.messages[-1]
    r = client.post(f"/audits/{audited.id}/act", data={"message_id": better.id,
                                                      "next": f"/threads/{desk.thread.id}"})
    assert r.status_code == 302
    db.session.refresh(audited)
    assert audited.acted_message_id == better.id
    html = _html(client.get(f"/threads/{desk.thread.id}"))
    assert 'data-testid="yellow-notice"' not in html and "acted on in 3 h" in html


def test_overdue_yellow_shows_to_coach_and_team_leader(client, auth, desk, audit):
    audit("yellow", at=utcnow() - timedelta(hours=25))
    for user in (desk.coach, desk.leader):
        auth.login(user)
        html = _html(client.get("/audits/"))
        assert 'data-testid="overdue-notice"' in html and "overdue by 1 h" in html
        html = _html(client.get(f"/threads/{desk.thread.id}"))
        assert "overdue by 1 h" in html
        auth.logout()


def test_audits_view_filters_and_live_quality(client, auth, desk, audit, create_message):
    audit("green", comment="")
    auth.login(desk.leader)
    html = _html(client.get("/audits/?color=yellow"))
    assert "No audits match." in html
    html = _html(client.get("/audits/?color=green"))
    assert "Outstanding" in html and "Cora Coach" in html


def test_auditor_claims_and_audits_from_the_queue(client, auth, desk, create_user):
    from helpdesk.audits import queue

    item = queue.build_sample(desk.reply.sent_at.date()) and queue.open_items(desk.auditor)[0]
    auth.login(desk.auditor)
    assert "Claim" in _html(client.get("/audits/queue"))
    assert client.post(f"/audits/queue/{item.id}/claim").status_code == 302
    html = _html(client.get(f"/audits/queue/{item.id}"))
    assert "Click the button." in html
    r = client.post(f"/audits/messages/{desk.reply.id}", data={"color": "yellow", "comment": ""})
    assert r.status_code == 302
    assert "Comment: A comment is required" in _html(client.get("/audits/queue"))
    client.post(f"/audits/messages/{desk.reply.id}", data={"color": "blue", "comment": "Add a link",
                                                           "next": "/audits/queue"})
    db.session.refresh(item)
    assert item.audit_id is not None
    assert "The queue is empty." in _html(client.get("/audits/queue"))


def test_client_sees_no_trace_of_audits(client, auth, api_headers, desk, audited, create_message):
    """As an attacker: the client opens their own audited thread, lists and searches their threads,
    reads the API and their notifications, and calls every audits endpoint."""
    act_on_yellow(desk.coach, audited, create_message(desk.thread, desk.coach, sent_at=utcnow(), body="Better").id)
    db.session.flush()
    auth.login(desk.client)
    leaks = (SECRET_COMMENT, SECRET_NOTE, "SC Audit", "Needs Improvement", "Yellow", "Coach communication",
             "Aldo Auditor", "calibration")
    pages = [f"/threads/{desk.thread.id}", f"/threads/{desk.thread.id}#communication", "/", "/notifications/",
             "/inbox", f"/api/v1/threads/{desk.thread.id}", "/api/v1/threads", "/api/v1/threads?q=Zebra",
             "/api/v1/threads?q=explain"]
    for url in pages:
        r = client.get(url, follow_redirects=True)
        text = r.get_data(as_text=True)
        for leak in leaks:
            assert leak not in text, (url, leak)
    assert desk.thread.subject in client.get(f"/threads/{desk.thread.id}").get_data(as_text=True)

    h = api_headers(desk.client)
    for method, url, body in [
        ("get", "/api/v1/audits", None), ("get", f"/api/v1/audits?coach_id={desk.coach.id}", None),
        ("get", "/api/v1/audits/queue", None), ("post", "/api/v1/audits/queue/1/claim", None),
        ("post", f"/api/v1/messages/{desk.reply.id}/audits", {"color": "green"}),
        ("post", f"/api/v1/messages/{desk.reply.id}/audits", {"color": "nope"}),
        ("get", f"/api/v1/threads/{desk.thread.id}/communication", None),
        ("post", f"/api/v1/threads/{desk.thread.id}/communication", {"body": "hi"}),
        ("post", f"/api/v1/audits/{audited.id}/action", {"message_id": desk.reply.id}),
        ("post", f"/api/v1/audits/{audited.id}/dispute", {"reason": "x"}),
        ("post", f"/api/v1/audits/{audited.id}/resolve", {"resolution": "overturned"}),
    ]:
        r = getattr(client, method)(url, json=body, headers=h)
        assert r.status_code in (403, 404), (url, r.status_code)
        assert SECRET_COMMENT not in r.get_data(as_text=True)
    for url in ("/audits/", "/audits/queue", "/audits/calibration", "/audits/queue/1"):
        assert client.get(url).status_code in (403, 404), url
    for url in (f"/audits/messages/{desk.reply.id}", f"/audits/threads/{desk.thread.id}/notes",
                f"/audits/{audited.id}/act", f"/audits/{audited.id}/dispute", f"/audits/{audited.id}/resolve",
                "/audits/calibration/mark", "/audits/calibration/1/review", "/audits/queue/1/claim", "/audits/sample"):
        assert client.post(url, data={"color": "green", "body": "x", "reason": "x"}).status_code in (403, 404), url


def test_partials_render_nothing_for_a_client(app, desk, audited):
    """Even if a page included the partials for a client, they would be empty."""
    from flask import render_template
    from flask_login import login_user

    with app.test_request_context(f"/threads/{desk.thread.id}"):
        login_user(desk.client)
        html = render_template("audits/_communication_area.html", thread=desk.thread, messages=[desk.reply])
        html += render_template("audits/_message_label.html", message=desk.reply)
    assert html.strip() == ""


def test_dispute_and_overturn_from_the_audits_view_raises_quality(client, auth, desk, audit, create_message):
    """This month the coach answered 2 replies (the fixture's is dated 2026-10-05, so two new ones now),
    one carrying a Yellow: 1 - 1/2 = 50.0%; overturned: 100.0%."""
    now = utcnow()
    first = create_message(desk.thread, desk.coach, sent_at=now - timedelta(hours=5))
    create_message(desk.thread, desk.coach, sent_at=now - timedelta(hours=4))
    if first.sent_at.month != now.month:
        pytest.skip("the first hours of a month")
    a = audit("yellow", message=first, at=now - timedelta(hours=3))
    auth.login(desk.coach)
    html = _html(client.get("/audits/"))
    assert '<td class="cq">50.0%</td>' in html
    assert client.post(f"/audits/{a.id}/dispute", data={"reason": "I answered in full"}).status_code == 302
    assert client.post(f"/audits/{a.id}/dispute", data={"reason": "again"}).status_code == 302
    assert "already been disputed" in _html(client.get("/audits/"))
    auth.logout()
    auth.login(desk.leader)
    html = _html(client.get("/audits/?state=disputed"))
    assert "I answered in full" in html and "Overturn" in html
    assert client.post(f"/audits/{a.id}/resolve", data={"resolution": "overturned"}).status_code == 302
    html = _html(client.get("/audits/"))
    assert '<td class="cq">100.0%</td>' in html


def test_sample_command(runner, desk):
    result = runner.invoke(args=["audits", "sample", "--day", desk.reply.sent_at.date().isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 reply(ies) of 1 coach(es) added" in result.output
    bad = runner.invoke(args=["audits", "sample", "--day", "yesterday"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_auditor_audits_from_the_thread_page(client, auth, desk):
    auth.login(desk.auditor)
    html = _html(client.get(f"/threads/{desk.thread.id}"))
    assert html.count("Audit this reply") == 1  # the coach's reply, not the client's question
    r = client.post(f"/audits/messages/{desk.reply.id}",
                    data={"color": "green", "comment": "", "next": f"/threads/{desk.thread.id}"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/threads/{desk.thread.id}")
    assert "SC Audit · Green" in _html(client.get(f"/threads/{desk.thread.id}"))
    r = client.post(f"/audits/messages/{desk.question.id}", data={"color": "green"})
    assert r.status_code == 302
    assert "Message: Only a coach&#39;s reply can be audited" in _html(client.get(f"/threads/{desk.thread.id}"))
