"""Thread pages, replies, read receipts, permissions and what a client may see."""

from datetime import timedelta

from sqlalchemy import select

from helpdesk.clients.models import Vacation
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, SavedReply
from helpdesk.types import utcnow


def test_coach_cannot_open_or_reply_to_another_coachs_thread(client, auth, team, waiting_thread):
    thread = waiting_thread(team["bob_client"], 2, subject="Bob's client asks")
    auth.login(team["ann"])
    assert client.get(f"/threads/{thread.id}").status_code == 404
    assert client.post(f"/threads/{thread.id}/reply", data={"body": "sneaky"}).status_code == 404
    assert client.post(f"/threads/{thread.id}/read").status_code == 404
    assert client.get("/threads/999999").status_code == 404
    assert db.session.scalar(select(Message).where(Message.body == "sneaky")) is None


def test_coach_replies_and_client_sees_answer_and_read_receipt(client, auth, team, waiting_thread):
    thread = waiting_thread(team["ann_client"], 3, subject="Fees?", body="What are the fees?")
    auth.login(team["ann"])
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "What are the fees?" in page and "Alice Client" in page
    assert client.post(f"/threads/{thread.id}/read").status_code == 302
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "See https://learn.example.com/fees."})
    assert response.status_code == 302 and "#m" in response.headers["Location"]
    assert thread.waiting_since is None
    auth.logout()
    auth.login(team["ann_client"])
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Ann Coach" in page
    assert '<a href="https://learn.example.com/fees" rel="noopener nofollow">' in page
    assert "Read by your coach (Ann Coach) at" in page


def test_client_pages_have_nothing_staff_only(client, auth, team, waiting_thread, create_client):
    mine = waiting_thread(team["ann_client"], 30, subject="Mine")
    waiting_thread(create_client(coach=team["ann"], name="Zed Otherclient"), 1, subject="Someone else's")
    db.session.add(SavedReply(owner_id=team["ann"].id, title="Fee options", body="Internal canned text"))
    db.session.flush()
    auth.login(team["ann_client"])
    for url in ("/my/threads", f"/threads/{mine.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "Zed Otherclient" not in html and "Someone else" not in html
        assert "badge-red" not in html and "waiting" not in html.lower()
        assert "communication" not in html.lower() and "Internal canned text" not in html
        assert "other threads" not in html.lower()
    assert client.get("/inbox").status_code == 403
    assert client.get("/coverage").status_code == 403


def test_client_starts_thread_with_and_without_coach(client, auth, team, create_client):
    auth.login(team["ann_client"])
    response = client.post("/my/threads", data={"subject": "Hello", "body": "First question"})
    assert response.status_code == 302
    assert client.post("/my/threads", data={"subject": "", "body": "x"}).status_code == 400
    auth.logout()
    loner = create_client(name="Lonely Client")
    auth.login(loner)
    assert "a team leader will pick up" in client.get("/my/threads").get_data(as_text=True)
    assert client.post("/my/threads", data={"subject": "Help", "body": "No coach yet"}).status_code == 302
    auth.logout()
    auth.login(team["leader"])
    assert "Help" in client.get("/inbox").get_data(as_text=True)


def test_thread_page_lists_other_threads_and_saved_replies(client, auth, team, create_thread, create_coach):
    current = create_thread(team["ann_client"], subject="Current")
    older = create_thread(team["ann_client"], subject="Older question")
    db.session.add_all([
        SavedReply(owner_id=team["ann"].id, title="My own", body="own text"),
        SavedReply(owner_id=team["leader"].id, title="Leader shared", body="shared text", shared=True),
        SavedReply(owner_id=team["leader"].id, title="Leader private", body="private text"),
        SavedReply(owner_id=team["carl"].id, title="Carl shared", body="carl text", shared=True),
    ])
    db.session.flush()
    auth.login(team["ann"])
    html = client.get(f"/threads/{current.id}").get_data(as_text=True)
    assert "Older question" in html and f'data-link="http://localhost/threads/{older.id}"' in html
    assert "My own" in html and "Leader shared" in html
    assert "Leader private" not in html and "Carl shared" not in html
    assert client.get("/saved-replies").status_code == 200


def test_saved_reply_crud_only_by_owner(client, auth, team):
    auth.login(team["leader"])
    assert client.post("/saved-replies", data={"title": "", "body": "x"}).status_code == 400
    client.post("/saved-replies", data={"title": "Fees", "body": "Options: A, B", "shared": "on"})
    reply = db.session.scalar(select(SavedReply).where(SavedReply.owner_id == team["leader"].id))
    assert reply.shared and reply.body == "Options: A, B"
    client.post(f"/saved-replies/{reply.id}", data={"title": "Fees", "body": "Options: A, B, C", "shared": "on"})
    assert reply.body == "Options: A, B, C"
    auth.logout()
    auth.login(team["ann"])
    assert "Options: A, B, C" in client.get("/saved-replies").get_data(as_text=True)
    assert client.post(f"/saved-replies/{reply.id}/delete").status_code == 404
    assert db.session.get(SavedReply, reply.id) is not None


def test_vacations_and_coverage_pages(client, auth, team, waiting_thread):
    today = utcnow().date()
    bobs = waiting_thread(team["bob_client"], 5, subject="Bob's client waits")
    auth.login(team["bob"])
    bad = client.post("/settings/vacations", data={"starts_on": str(today), "ends_on": str(today - timedelta(days=1))})
    assert bad.status_code == 400
    assert client.post("/settings/vacations", data={"starts_on": str(today), "ends_on": str(today)}).status_code == 302
    overlap = client.post("/settings/vacations", data={"starts_on": str(today - timedelta(days=2)),
                                                       "ends_on": str(today + timedelta(days=2))})
    assert overlap.status_code == 400 and "overlaps" in overlap.get_data(as_text=True)
    auth.logout()
    auth.login(team["ann"])
    html = client.get("/coverage").get_data(as_text=True)
    assert "Bob&#39;s client waits" in html and "Bob Coach" in html
    assert client.post(f"/threads/{bobs.id}/reply", data={"body": "Covering for Bob"}).status_code == 302
    assert "Bob&#39;s client waits" not in client.get("/coverage").get_data(as_text=True)
    auth.logout()
    auth.login(team["carl"])
    assert "Bob&#39;s client waits" not in client.get("/coverage").get_data(as_text=True)
    auth.logout()
    auth.login(team["leader"])
    team_page = client.get("/team").get_data(as_text=True)
    assert "away until" in team_page
    auth.logout()
    auth.login(team["bob_client"])
    assert "Covering for Bob" in client.get(f"/threads/{bobs.id}").get_data(as_text=True)
    assert "Ann Coach" in client.get(f"/threads/{bobs.id}").get_data(as_text=True)
    vacation = db.session.scalar(select(Vacation).where(Vacation.coach_id == team["bob"].id))
    auth.logout()
    auth.login(team["ann"])
    assert client.post(f"/settings/vacations/{vacation.id}/delete").status_code == 404


def test_get_changes_nothing(client, auth, team, waiting_thread):
    from helpdesk.inbox.models import ThreadRead

    thread = waiting_thread(team["ann_client"], 1)
    auth.login(team["ann"])
    client.get(f"/threads/{thread.id}")
    assert db.session.scalar(select(ThreadRead).where(ThreadRead.user_id == team["ann"].id)) is None


def test_read_receipt_says_your_coach_only_for_the_clients_own_coach(client, auth, team, waiting_thread):
    thread = waiting_thread(team["bob_client"], 2, subject="Who read this?")
    db.session.add(Vacation(coach_id=team["bob"].id, starts_on=utcnow().date(), ends_on=utcnow().date()))
    db.session.flush()
    auth.login(team["ann"])  # covering for Bob
    assert client.post(f"/threads/{thread.id}/read").status_code == 302
    auth.logout()
    auth.login(team["bob_client"])
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Read by Ann Coach at" in page and "your coach (Ann Coach)" not in page
    auth.logout()
    auth.login(team["bob"])
    assert client.post(f"/threads/{thread.id}/read").status_code == 302
    auth.logout()
    auth.login(team["bob_client"])
    assert "Read by your coach (Bob Coach) at" in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_reply_page_holds_a_reply_when_a_newer_message_arrived(client, auth, team, waiting_thread):
    """Issue #14 (Help Scout's rule): the form carries the last message seen; a newer one by someone else
    holds the reply, shows the new message, keeps the draft, and offers to send anyway."""
    import re

    from helpdesk.inbox.services import post_message

    thread = waiting_thread(team["ann_client"], 3, body="Can I change my plan?")
    auth.login(team["ann"])
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    seen = re.search(r'name="last_seen_message_id" value="(\d+)"', page).group(1)
    post_message(thread, team["leader"], "Lea: yes, from Settings.")  # arrives while Ann writes
    held = client.post(f"/threads/{thread.id}/reply", data={"body": "Ann's draft", "last_seen_message_id": seen})
    assert held.status_code == 409
    text = held.get_data(as_text=True)
    assert 'data-testid="collision"' in text and "Send anyway" in text
    assert re.search(r'data-testid="new-message">.*?Lea: yes, from Settings\.', text, re.S)
    assert ">Ann's draft</textarea>" in text.replace("&#39;", "'")
    assert db.session.scalar(select(Message).where(Message.body == "Ann's draft")) is None
    # Send anyway: the same (old) last seen id with force.
    sent = client.post(f"/threads/{thread.id}/reply",
                       data={"body": "Ann's draft", "last_seen_message_id": seen, "force": "1"})
    assert sent.status_code == 302
    assert db.session.scalar(select(Message).where(Message.body == "Ann's draft")) is not None
    # Edit: the held page's form already carries the newest id, so sending from it passes.
    newest = re.search(r'name="last_seen_message_id" value="(\d+)"', text).group(1)
    assert client.post(f"/threads/{thread.id}/reply",
                       data={"body": "Ann, edited", "last_seen_message_id": newest}).status_code == 302


def test_inbox_opens_on_breached_then_the_last_view_chosen_then_waiting(client, auth, team, waiting_thread,
                                                                       create_thread):
    """Issue #14: the coach lands on Waiting (oldest wait first), Breached while any is breached, and
    otherwise on the view they chose last."""
    import re

    def landing():
        html = client.get("/inbox").get_data(as_text=True)
        active = re.search(r'class="active" data-view="(\w+)"', html).group(1)
        return active, re.findall(r'data-thread="(\d+)"', html)

    create_thread(team["ann_client"], subject="Answered long ago", last_message_at=utcnow())
    newer = waiting_thread(team["ann_client"], 2, subject="Newer wait")
    older = waiting_thread(team["ann_client"], 5, subject="Older wait")
    auth.login(team["ann"])
    assert landing() == ("waiting", [str(older.id), str(newer.id)])
    client.get("/inbox?view=all")
    assert landing()[0] == "all"
    breached = waiting_thread(team["ann_client"], 30, subject="Breached wait")
    view, ids = landing()
    assert view == "breached" and ids == [str(breached.id)]
    html = client.get("/inbox").get_data(as_text=True)
    assert html.index('data-view="breached"') < html.index('data-view="waiting"')  # its tab comes first
    # A search from the landing page looks in every thread.
    assert "Answered long ago" in client.get("/inbox?q=Answered").get_data(as_text=True)


def test_row_links_are_the_thread_urls_under_any_script_root(app, client, auth, team, waiting_thread):
    """Issue #15: a list builds its rows' links from one url_for prefix; each must still be exactly what
    url_for gives for that thread, also when the app is served under a path (SCRIPT_NAME)."""
    import re

    from flask import url_for

    threads = [waiting_thread(team["ann_client"], h, subject=f"Q{h}") for h in (1, 2, 3)]
    auth.login(team["ann"])
    for root in ("", "/desk"):
        html = client.get("/inbox?view=all", base_url=f"http://localhost{root}/").get_data(as_text=True)
        links = re.findall(r'<tr class="[^"]*" data-thread="(\d+)">.*?<a href="([^"]+)">', html, re.S)
        with app.test_request_context(base_url=f"http://localhost{root}/"):
            expected = {str(t.id): url_for("inbox.thread", thread_id=t.id) for t in threads}
        assert dict(links) == expected and all(u.startswith(f"{root}/threads/") for u in expected.values())


def test_the_view_chosen_last_is_kept_without_resigning_the_session(client, auth, team, waiting_thread):
    """Switching views writes the small view cookie, not the signed session (which would be re-signed and
    resent on every tab click); the cookie belongs to the user who chose, and a made-up value is ignored."""
    import re

    def landing():
        html = client.get("/inbox").get_data(as_text=True)
        return re.search(r'class="active" data-view="(\w+)"', html).group(1)

    waiting_thread(team["ann_client"], 2)
    waiting_thread(team["bob_client"], 2)
    auth.login(team["ann"])
    assert landing() == "waiting"  # (the first page after signing in adds the form token to the session)
    switched = client.get("/inbox?view=unread")
    cookies = switched.headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("session=")]
    assert [c for c in cookies if c.startswith(f"inbox_view={team['ann'].id}.unread;") and "Path=/inbox" in c
            and "HttpOnly" in c]
    assert landing() == "unread"
    again = client.get("/inbox?view=unread")  # the same view again: nothing to write
    assert not again.headers.getlist("Set-Cookie")
    # Another user signing in on the same browser does not land on Ann's view.
    auth.logout()
    auth.login(team["bob"])
    assert landing() == "waiting"
    client.set_cookie("inbox_view", f"{team['bob'].id}.everything", path="/inbox")
    assert landing() == "waiting"
    client.set_cookie("inbox_view", f"{team['bob'].id}.all", path="/inbox")
    assert landing() == "all"
