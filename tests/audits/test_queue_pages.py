"""The audit item page and the queue as auditors use them (#14): the reply in its thread, a refused Yellow
keeping what was chosen, filters by coach and day with their counts."""

import re
from datetime import timedelta

from helpdesk.audits import queue
from helpdesk.audits.models import Audit, AuditSample
from helpdesk.extensions import db
from tests.audits.conftest import T


def _sample(desk, create_message, create_thread, create_client):
    """Two replies of Cora sampled on two days, one of Olga's; returns the items."""
    later = create_message(desk.thread, desk.coach, sent_at=T + timedelta(days=1), body="Later reply")
    other = create_message(create_thread(create_client(coach=desk.other_coach)), desk.other_coach,
                           sent_at=T + timedelta(hours=2), body="Olga's reply")
    items = [AuditSample(message_id=m.id, coach_id=m.author_id, sample_day=m.sent_at.date())
             for m in (desk.reply, later, other)]
    db.session.add_all(items)
    db.session.flush()
    return items


def test_the_item_page_shows_the_clients_question_and_the_thread_around_the_reply(client, auth, desk,
                                                                                  create_message):
    after = create_message(desk.thread, desk.client, sent_at=T + timedelta(hours=3), body="Which button?")
    item = AuditSample(message_id=desk.reply.id, coach_id=desk.coach.id, sample_day=T.date())
    db.session.add(item)
    db.session.flush()
    auth.login(desk.auditor)
    html = client.get(f"/audits/queue/{item.id}").get_data(as_text=True)
    shown = re.findall(r'data-message="(\d+)"', html)
    assert shown == [str(desk.question.id), str(desk.reply.id), str(after.id)]
    assert "How do I raise my budget?" in html and "Which button?" in html


def test_a_refused_yellow_keeps_the_colour_and_comment_chosen(client, auth, desk):
    item = AuditSample(message_id=desk.reply.id, coach_id=desk.coach.id, sample_day=T.date())
    db.session.add(item)
    db.session.flush()
    auth.login(desk.auditor)
    r = client.post(f"/audits/messages/{desk.reply.id}", data={"color": "yellow", "comment": "  ",
                                                               "item_id": item.id, "next": "/audits/queue"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert re.search(r'<option selected value="yellow">|<option value="yellow" selected>', html), html
    assert "Comment: A comment is required" in html and "Click the button." in html
    assert db.session.query(Audit).count() == 0


def test_the_queue_filters_by_coach_and_day_and_counts(client, auth, api_headers, desk, create_message,
                                                       create_thread, create_client):
    mine, later, other = _sample(desk, create_message, create_thread, create_client)
    queue.claim(desk.auditor, mine.id)
    auth.login(desk.auditor)

    def listed(query=""):
        html = client.get(f"/audits/queue{query}").get_data(as_text=True)
        return html, [int(i) for i in re.findall(r'<tr data-item="(\d+)"', html)]

    html, ids = listed()
    assert ids == [mine.id, other.id, later.id]
    assert "3 open, 1 claimed by you." in html
    assert f"{T.date().isoformat()} (2)" in html
    assert "<option" not in html.split('id="coach-filter"')[1].split("</datalist>")[0]  # no list of every coach
    assert listed(f"?coach_id={desk.coach.id}")[1] == [mine.id, later.id]
    assert "Coach: Cora Coach (2 open)" in listed(f"?coach_id={desk.coach.id}")[0]
    # Without script the coach field is a search by name or email: one match filters, several are offered.
    desk.other_coach.email = "olga@example.com"
    db.session.flush()
    html, ids = listed("?coach=cora")
    assert ids == [mine.id, later.id] and "Coach: Cora Coach (2 open)" in html
    assert listed(f"?coach={desk.other_coach.email.upper()}")[1] == [other.id]
    html, ids = listed("?coach=o&day=" + T.date().isoformat())
    assert ids == [mine.id, other.id] and 'data-testid="coach-matches"' in html
    assert f"coach_id={desk.coach.id}" in html and f"coach_id={desk.other_coach.id}" in html
    html, ids = listed("?coach=nobody")
    assert ids == [mine.id, other.id, later.id] and "No coach with open items matches" in html
    assert listed(f"?day={T.date().isoformat()}")[1] == [mine.id, other.id]
    assert listed(f"?coach_id={desk.coach.id}&day={T.date().isoformat()}")[1] == [mine.id]
    assert listed("?day=nonsense&coach_id=abc")[1] == [mine.id, other.id, later.id]
    # An id past the database's range is refused as bad input, naming the field (helpdesk.security).
    too_big = client.get("/audits/queue?coach_id=99999999999")
    assert too_big.status_code == 400 and "coach_id" in too_big.get_data(as_text=True)
    h = api_headers(desk.auditor)
    r = client.get(f"/api/v1/audits/queue?coach_id={desk.other_coach.id}", headers=h)
    assert [i["id"] for i in r.get_json()] == [other.id]
    assert client.get("/api/v1/audits/queue?coach_id=99999999999", headers=h).status_code == 422


def test_a_refused_yellow_on_the_thread_page_keeps_the_colour_chosen(client, auth, desk):
    auth.login(desk.auditor)
    r = client.post(f"/audits/messages/{desk.reply.id}", data={
        "color": "yellow", "comment": "", "next": f"/threads/{desk.thread.id}#m{desk.reply.id}"})
    assert r.status_code == 302 and f"audit_message={desk.reply.id}&audit_color=yellow" in r.headers["Location"]
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    form = html[html.index(f'id="audit-color-{desk.reply.id}"'):]
    assert re.match(r'[^>]*>(<option value="\w+">[^<]*</option>)*<option value="yellow" selected>', form), form[:400]
    assert '<details class="audit-form" open>' in html and "Comment: A comment is required" in html
    assert db.session.query(Audit).count() == 0


def test_the_coach_picker_suggests_coaches_with_open_items(client, auth, desk, create_message, create_thread,
                                                           create_client, create_coach):
    mine, later, other = _sample(desk, create_message, create_thread, create_client)
    create_coach(name="Cora Idle")  # no open items: never suggested
    db.session.add(Audit(message_id=other.message_id, coach_id=other.coach_id, auditor_id=desk.auditor.id,
                         color="green"))
    db.session.flush()
    other.audit_id = db.session.query(Audit.id).scalar()  # Olga's one item is audited: she has none open
    db.session.flush()
    auth.login(desk.auditor)
    found = client.get("/audits/queue/coaches?q=COR").get_json()
    assert found == [{"id": desk.coach.id, "name": "Cora Coach", "email": desk.coach.email, "open": 2}]
    assert [c["name"] for c in client.get("/audits/queue/coaches?q=cora coach").get_json()] == ["Cora Coach"]
    assert client.get("/audits/queue/coaches?q=olga").get_json() == []
    assert client.get("/audits/queue/coaches?q=").get_json() == []
    auth.logout()
    auth.login(desk.coach)
    assert client.get("/audits/queue/coaches?q=cora").status_code == 403


def test_the_queue_comes_in_pages_mine_first(client, auth, desk, create_message, create_thread, create_client,
                                             monkeypatch):
    from helpdesk.audits import routes

    mine, later, other = _sample(desk, create_message, create_thread, create_client)
    queue.claim(desk.auditor, later.id)  # mine first whatever its day: later, then mine, other by day
    assert [i.id for i in queue.open_items(desk.auditor)] == [later.id, mine.id, other.id]
    assert [i.id for i in queue.open_items(desk.auditor, limit=1)] == [later.id]
    assert [i.id for i in queue.open_items(desk.auditor, limit=2, offset=1)] == [mine.id, other.id]
    assert [i.id for i in queue.open_items(desk.auditor, limit=5, offset=2)] == [other.id]
    assert queue.open_items(desk.auditor, limit=5, offset=3) == []
    monkeypatch.setattr(routes, "PAGE_ITEMS", 2)
    auth.login(desk.auditor)
    first = client.get("/audits/queue").get_data(as_text=True)
    assert re.findall(r'<tr data-item="(\d+)"', first) == [str(later.id), str(mine.id)]
    assert 'href="/audits/queue?page=2" rel="next"' in first
    second = client.get("/audits/queue?page=2").get_data(as_text=True)
    assert re.findall(r'<tr data-item="(\d+)"', second) == [str(other.id)] and 'rel="next"' not in second
    assert client.get("/audits/queue?page=abc").status_code == 200
