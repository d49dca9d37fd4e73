from datetime import timedelta

from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select

from helpdesk.clients.models import Assignment, CoachRating, SurveyResponse
from helpdesk.extensions import db
from helpdesk.types import utcnow


def _panel(app, viewer, shown):
    """The facts panel exactly as the thread page includes it, rendered for `viewer`."""
    with app.test_request_context("/"):
        login_user(viewer)
        return render_template("clients/_facts_panel.html", client=shown)


def test_client_pages_are_in_the_client_navigation(client, auth, desk):
    auth.login(desk.kim)
    page = client.get("/me/rating").get_data(as_text=True)
    for label in ("Rate my coach", "Monthly survey", "Privacy"):
        assert label in page


def test_rate_the_coach_and_change_the_rating(client, auth, desk):
    auth.login(desk.kim)
    assert "How is <strong>Ann</strong> doing?" in client.get("/me/rating").get_data(as_text=True)
    response = client.post("/me/rating", data={"stars": "2", "comment": "Slow answers"}, follow_redirects=True)
    assert "Thank you, your rating is saved." in response.get_data(as_text=True)
    response = client.post("/me/rating", data={"stars": "5", "comment": ""}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your rating is updated." in page and "Your current rating: 5 of 5" in page
    rows = db.session.execute(select(CoachRating.stars, CoachRating.comment)
                              .where(CoachRating.client_id == desk.kim.id)).all()
    assert rows == [(5, None)]


def test_rating_page_rejects_bad_stars_and_clients_without_a_coach(client, auth, desk):
    auth.login(desk.kim)
    response = client.post("/me/rating", data={"stars": "0"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    auth.logout()
    auth.login(desk.una)
    assert "You have no coach yet" in client.get("/me/rating").get_data(as_text=True)
    assert client.post("/me/rating", data={"stars": "4"}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(CoachRating)) == 0


def test_survey_page_once_per_month(client, auth, desk):
    auth.login(desk.kim)
    page = client.get("/me/survey").get_data(as_text=True)
    assert "How likely are you to recommend the platform?" in page
    response = client.post("/me/survey", data={"score": "8"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Thank you, your answer is saved." in page and "You answered <strong>8</strong>" in page
    again = client.post("/me/survey", data={"score": "10"})
    assert again.status_code == 409
    assert "You already answered this month&#39;s survey" in again.get_data(as_text=True)
    assert db.session.scalars(select(SurveyResponse.score)).all() == [8]


def test_survey_page_opens_again_in_a_new_month(client, auth, desk):
    db.session.add(SurveyResponse(client_id=desk.kim.id, score=4, at=utcnow() - timedelta(days=32)))
    db.session.flush()
    auth.login(desk.kim)
    assert 'name="score"' in client.get("/me/survey").get_data(as_text=True)
    assert client.post("/me/survey", data={"score": "9"}).status_code == 302
    assert sorted(db.session.scalars(select(SurveyResponse.score)).all()) == [4, 9]


def test_survey_rejects_a_score_out_of_range(client, auth, desk):
    auth.login(desk.kim)
    response = client.post("/me/survey", data={"score": "11"})
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_balance_on_the_coach_panel_follows_consent_immediately(app, client, auth, desk):
    d = desk
    panel = _panel(app, d.ann, d.kim)
    assert "not shared by the client" in panel and "1234.50" not in panel
    auth.login(d.kim)
    response = client.post("/me/privacy", data={"granted": "yes"}, follow_redirects=True)
    assert "Your coach can now see your balance." in response.get_data(as_text=True)
    assert "1234.50" in _panel(app, d.ann, d.kim)
    response = client.post("/me/privacy", data={"granted": "no"}, follow_redirects=True)
    assert "Your coach can no longer see your balance." in response.get_data(as_text=True)
    panel = _panel(app, d.ann, d.kim)
    assert "1234.50" not in panel and "not shared by the client" in panel


def test_privacy_needs_an_explicit_choice(client, auth, desk):
    desk.kim.balance_visible_to_coach = True
    auth.login(desk.kim)
    assert client.post("/me/privacy", data={}).status_code == 400
    assert client.post("/me/privacy", data={"granted": "maybe"}).status_code == 400
    assert desk.kim.balance_visible_to_coach is True


def test_facts_panel_shows_tenure_rating_and_survey_and_nothing_else(app, desk):
    d = desk
    db.session.add(CoachRating(client_id=d.kim.id, coach_id=d.ann.id, stars=4, comment="Kind"))
    db.session.add(SurveyResponse(client_id=d.kim.id, score=9, at=utcnow()))
    db.session.flush()
    panel = _panel(app, d.ann, d.kim)
    assert "★★★★☆" in panel and "Kind" in panel and "9/10" in panel and "full months" in panel
    assert "kim@example.com" not in panel
    assert _panel(app, d.ann, d.joe).strip() == ""  # another coach's client: no panel at all


def test_client_pages_are_for_clients_only(client, auth, desk):
    auth.login(desk.ann)
    for path in ("/me/rating", "/me/survey", "/me/privacy"):
        assert client.get(path).status_code == 403


def test_a_client_cannot_open_staff_pages(client, auth, desk):
    auth.login(desk.kim)
    assert client.get("/unassigned").status_code == 403
    assert client.post(f"/clients/{desk.una.id}/assign", data={"coach_id": desk.ann.id}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Assignment)
                             .where(Assignment.client_id == desk.una.id)) == 0


def test_unassigned_queue_page_and_assignment(client, auth, desk, create_thread):
    d = desk
    create_thread(d.una, "Where is my payout?", waiting_since=utcnow() - timedelta(hours=30))
    auth.login(d.lea)
    page = client.get("/unassigned").get_data(as_text=True)
    assert "Una" in page and "Where is my payout?" in page and "badge-red" in page
    assert "Kim" not in page  # has a coach
    assert ">Ann<" in page and ">Bob<" in page and ">Cal<" not in page  # only Lea's coaches
    response = client.post(f"/clients/{d.una.id}/assign", data={"coach_id": d.bob.id}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Una is now assigned to Bob." in page and "Every client has a coach." in page


def test_assigning_outside_the_team_is_refused(client, auth, desk):
    d = desk
    auth.login(d.lea)
    response = client.post(f"/clients/{d.una.id}/assign", data={"coach_id": d.cal.id}, follow_redirects=True)
    assert "Choose a coach from your team." in response.get_data(as_text=True)
    assert client.post(f"/clients/{d.zoe.id}/assign", data={"coach_id": d.ann.id}).status_code == 404
    assert client.post(f"/clients/{d.una.id}/assign", data={}, follow_redirects=True).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Assignment)
                             .where(Assignment.client_id.in_([d.una.id, d.zoe.id]))) == 1  # Zoe's own, unchanged


def test_coaches_do_not_see_the_queue(client, auth, desk):
    auth.login(desk.ann)
    assert client.get("/unassigned").status_code == 403


def test_team_leader_reassigns_from_the_facts_panel(app, client, auth, desk):
    d = desk
    panel = _panel(app, d.lea, d.kim)
    options = panel.split("Reassign to", 1)[1]
    assert ">Bob<" in options and ">Ann<" not in options  # Ann is Kim's coach already
    assert "Reassign to" not in _panel(app, d.ann, d.kim)  # coaches do not reassign
    auth.login(d.lea)
    response = client.post(f"/clients/{d.kim.id}/assign", data={"coach_id": d.bob.id, "next": "/somewhere"})
    assert response.status_code == 302 and response.headers["Location"] == "/somewhere"
    rows = db.session.execute(select(Assignment.coach_id, Assignment.starts_at, Assignment.ends_at)
                              .where(Assignment.client_id == d.kim.id).order_by(Assignment.starts_at)).all()
    assert [r.coach_id for r in rows] == [d.ann.id, d.bob.id]
    assert rows[0].ends_at == rows[1].starts_at and rows[1].ends_at is None
    # Ann no longer sees Kim's facts; Bob does
    assert _panel(app, d.ann, d.kim).strip() == "" and "Kim" in _panel(app, d.bob, d.kim)
    evil = client.post(f"/clients/{d.joe.id}/assign", data={"coach_id": d.ann.id, "next": "//evil.example"})
    assert evil.headers["Location"] == "/unassigned"


def test_thread_page_hides_the_balance_the_moment_consent_is_revoked(app, client, auth, desk, create_thread,
                                                                       create_message):
    """End to end through the inbox's thread page, which includes the facts panel for staff."""
    import pytest

    if "inbox.thread" not in app.view_functions:
        pytest.skip("the inbox thread page is not there yet")
    d = desk
    thread = create_thread(d.kim, "Balance question")
    create_message(thread, d.kim, body="Can you see my balance?")
    d.kim.balance_visible_to_coach = True
    db.session.flush()
    auth.login(d.ann)
    assert "1234.50" in client.get(f"/threads/{thread.id}").get_data(as_text=True)
    d.kim.balance_visible_to_coach = False  # as the privacy page or the API does, committed
    db.session.flush()
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "1234.50" not in page and "not shared by the client" in page
