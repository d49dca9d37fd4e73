"""The desk's quick moves (issue #14): saved replies with variables, the next waiting thread, team leaders'
bulk actions."""

from datetime import timedelta

from sqlalchemy import select

from helpdesk.clients.models import Assignment
from helpdesk.extensions import db
from helpdesk.inbox.models import SavedReply, ThreadRead
from helpdesk.inbox.saved_replies import SavedReplyError, create_saved_reply, filled
from helpdesk.types import utcnow


def _team(create_team_leader, create_coach, create_client):
    lead = create_team_leader(name="Lea Lopez")
    ravi = create_coach(team_leader=lead, name="Ravi Kumar")
    mia = create_coach(team_leader=lead, name="Mia Chen")
    freya = create_client(coach=ravi, name="Freya Silva")
    return lead, ravi, mia, freya


def test_variables_are_filled_for_the_thread_and_the_writer(create_team_leader, create_coach, create_client,
                                                            create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    thread = create_thread(freya, "Verifying my identity")
    reply = create_saved_reply(ravi, "Greeting", "Hi {{client.first_name}}, about '{{ thread.subject }}': "
                                                "{{coach.first_name}} here ({{coach.name}}, for {{client.name}}).")
    assert filled(reply, thread, ravi) == ("Hi Freya, about 'Verifying my identity': Ravi here (Ravi Kumar, "
                                           "for Freya Silva).")
    assert filled(reply, thread, mia).startswith("Hi Freya") and "Mia here (Mia Chen" in filled(reply, thread, mia)
    link = create_saved_reply(ravi, "Payouts article", "https://learn.example/payouts", kind="link")
    assert filled(link, thread, ravi) == "Payouts article: https://learn.example/payouts"


def test_an_unknown_variable_is_refused_naming_the_known_ones(create_coach):
    coach = create_coach()
    try:
        create_saved_reply(coach, "Bad", "Hi {{client.email}}")
    except SavedReplyError as exc:
        assert str(exc).startswith("body: {{client.email}} is not a variable; use {{client.first_name}}")
    else:
        raise AssertionError("an unknown variable was accepted")
    assert db.session.scalars(select(SavedReply)).all() == []


def test_the_thread_page_carries_filled_replies_and_inserts_one_without_javascript(
        client, auth, create_team_leader, create_coach, create_client, create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    thread = create_thread(freya, "Fees")
    reply = create_saved_reply(ravi, "Greeting", "Hi {{client.first_name}}, {{coach.first_name}} here.")
    auth.login(ravi)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert 'data-title="Greeting">Hi Freya, Ravi here.</template>' in page
    assert 'id="saved-reply-search"' in page and "<noscript><form" in page
    page = client.get(f"/threads/{thread.id}?insert={reply.id}").get_data(as_text=True)
    assert 'id="reply-body" rows="6" required>Hi Freya, Ravi here.</textarea>' in page
    other = create_saved_reply(mia, "Mia's own", "private")  # not shared: not Ravi's to insert
    page = client.get(f"/threads/{thread.id}?insert={other.id}").get_data(as_text=True)
    assert "private" not in page


def test_next_waiting_opens_the_longest_wait_and_skips_the_one_just_answered(
        client, auth, create_team_leader, create_coach, create_client, create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    now = utcnow()
    newer = create_thread(freya, "Newer", waiting_since=now - timedelta(hours=2))
    older = create_thread(freya, "Older", waiting_since=now - timedelta(hours=20))
    create_thread(freya, "Answered")
    elsewhere = create_thread(create_client(coach=create_coach(), name="Not Ravi's"), "Other",
                              waiting_since=now - timedelta(hours=30))
    auth.login(ravi)
    assert client.get("/inbox/next").headers["Location"].endswith(f"/threads/{older.id}")
    assert client.get(f"/inbox/next?after={older.id}").headers["Location"].endswith(f"/threads/{newer.id}")
    older.waiting_since = newer.waiting_since = None
    db.session.flush()
    r = client.get("/inbox/next", follow_redirects=True)
    assert "Nothing else is waiting" in r.get_data(as_text=True)
    assert elsewhere.id  # never offered: not Ravi's


def test_a_leader_marks_ticked_threads_read(client, auth, create_team_leader, create_coach, create_client,
                                           create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    a, b = create_thread(freya, "A"), create_thread(freya, "B")
    auth.login(lead)
    page = client.get("/inbox?view=all").get_data(as_text=True)
    assert 'data-testid="bulk-form"' in page and f'name="thread_ids" value="{a.id}" form="bulk-form"' in page
    r = client.post("/inbox/bulk", data={"action": "mark_read", "thread_ids": [a.id, b.id]})
    assert r.status_code == 302
    marks = db.session.scalars(select(ThreadRead.thread_id).where(ThreadRead.user_id == lead.id)).all()
    assert sorted(marks) == sorted([a.id, b.id])


def test_a_leader_reassigns_clients_all_or_nothing(client, auth, create_team_leader, create_coach, create_client,
                                                  create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    omar = create_client(coach=ravi, name="Omar Diaz")
    t1, t2, t3 = create_thread(freya, "A"), create_thread(freya, "B"), create_thread(omar, "C")
    stranger = create_thread(create_client(coach=create_coach(team_leader=create_team_leader()), name="X"), "D")
    auth.login(lead)

    def coach_of(c):
        return db.session.scalar(select(Assignment.coach_id).where(Assignment.client_id == c.id,
                                                                    Assignment.ends_at.is_(None)))
    # another team's thread among the ticked ones: nothing changes
    r = client.post("/inbox/bulk", data={"action": "reassign", "coach_id": mia.id,
                                         "thread_ids": [t1.id, stranger.id]}, follow_redirects=True)
    assert f"No thread {stranger.id} in your inbox; nothing was changed." in r.get_data(as_text=True)
    assert coach_of(freya) == ravi.id
    # a coach outside the team: nothing changes
    outsider = create_coach()
    r = client.post("/inbox/bulk", data={"action": "reassign", "coach_id": outsider.id, "thread_ids": [t1.id]},
                    follow_redirects=True)
    assert "Choose a coach from your team." in r.get_data(as_text=True) and coach_of(freya) == ravi.id
    r = client.post("/inbox/bulk", data={"action": "reassign", "coach_id": mia.id,
                                         "thread_ids": [t1.id, t2.id, t3.id]}, follow_redirects=True)
    assert "Reassigned 2 clients (Freya Silva, Omar Diaz)." in r.get_data(as_text=True)
    assert (coach_of(freya), coach_of(omar)) == (mia.id, mia.id)
    r = client.post("/inbox/bulk", data={"action": "reassign", "coach_id": mia.id, "thread_ids": [t1.id]},
                    follow_redirects=True)
    assert "Already with that coach: Freya Silva." in r.get_data(as_text=True)


def test_bulk_actions_are_for_team_leaders(client, auth, create_team_leader, create_coach, create_client,
                                          create_thread):
    lead, ravi, mia, freya = _team(create_team_leader, create_coach, create_client)
    thread = create_thread(freya, "A")
    auth.login(ravi)
    assert 'data-testid="bulk-form"' not in client.get("/inbox?view=all").get_data(as_text=True)
    assert client.post("/inbox/bulk", data={"action": "mark_read", "thread_ids": [thread.id]}).status_code == 403


def test_the_saved_replies_page_lists_every_variable(client, auth, create_coach):
    from helpdesk.inbox.saved_replies import VARIABLES

    auth.login(create_coach())
    page = client.get("/saved-replies").get_data(as_text=True)
    assert all(f"<code>{{{{{v}}}}}</code>" in page for v in VARIABLES)
