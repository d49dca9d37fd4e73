"""The bell: its count comes with the signed-in user, and reading clears it."""

from helpdesk.extensions import db
from helpdesk.notifications.services import notify


def _bell(html: str) -> str | None:
    marker = 'data-testid="bell-count">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else None


def test_bell_counts_unread_and_read_all_clears_it(client, auth, create_user):
    coach = create_user("coach")
    other = create_user("coach")
    notify(coach.id, "test", "First", link="/notifications/")
    notify(coach.id, "test", "Second")
    notify(other.id, "test", "Not yours")
    db.session.flush()
    auth.login(coach)
    page = client.get("/notifications/").get_data(as_text=True)
    assert _bell(page) == "2"
    assert "First" in page and "Second" in page and "Not yours" not in page
    client.post("/notifications/read-all")
    assert _bell(client.get("/notifications/").get_data(as_text=True)) is None


def test_opening_one_notification_marks_only_it_read(client, auth, create_user):
    coach = create_user("coach")
    notify(coach.id, "test", "Open me", link="/notifications/")
    notify(coach.id, "test", "Leave me")
    db.session.flush()
    auth.login(coach)
    from helpdesk.notifications.models import Notification

    first = db.session.query(Notification).filter_by(text="Open me").one()
    response = client.post(f"/notifications/{first.id}/open")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/")
    assert _bell(client.get("/notifications/").get_data(as_text=True)) == "1"
