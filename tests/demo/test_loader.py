"""Loading the demo program: it imports cleanly, each role's demo user signs in and sees its own
navigation, every page has content, and a second load adds nothing."""

import re

import pytest
from sqlalchemy import func, select

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import CoachRating
from helpdesk.demo.loader import demo_loaded, load_demo, set_demo_passwords
from helpdesk.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, SavedReply, Thread, ThreadRead
from helpdesk.moderation.models import Listing, ListingReport
from helpdesk.navigation import nav_for
from helpdesk.notifications.models import Notification
from helpdesk.tickets.models import Ticket, TicketNote

SCALE = 0.07  # 2 team leaders, 3 coaches, 21 clients


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def demo():
    result = load_demo(seed=11, scale=SCALE)
    logins = set_demo_passwords()
    db.session.flush()
    return result, logins


def _nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the base layout shows a navigation"
    return re.findall(r">([^<]+)</a>", nav.group(1))


def test_import_is_clean_and_every_role_signs_in_with_the_printed_password(demo, app, client):
    result, logins = demo
    assert result.loaded and result.stored["user"] == 2 + 3 + 21 + 2 + 1 + 1
    assert [role for role, _ in logins] == ["client", "coach", "team_leader", "auditor", "support", "admin"]
    seen = {}
    for role, external_id in logins:
        response = client.post("/login", data={"login": external_id, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{external_id} could not sign in"
        seen[role] = _nav_labels(client.get("/notifications/").get_data(as_text=True))
        assert db.session.scalar(select(User.role).where(User.external_id == external_id)) == role
        client.post("/logout")
    wrong = client.post("/login", data={"login": "demo-coach", "password": "not-the-password"})
    assert wrong.status_code == 401
    # Each role's rendered navigation is the one declared for it; a client sees no staff entries.
    with app.test_request_context():
        for role, labels in seen.items():
            assert labels == [label for label, _, _ in nav_for(role)], role
    staff_labels = {label for role, labels in seen.items() if role != "client" for label in labels}
    assert not (set(seen["client"]) - {"API"}) & staff_labels
    assert seen["coach"] != seen["client"] and seen["admin"] != seen["coach"]


def test_every_page_has_something_to_show(demo):
    demo_coach = db.session.scalar(select(User).where(User.external_id == "demo-coach"))
    demo_client = db.session.scalar(select(User).where(User.external_id == "demo-client"))
    assert demo_coach.reports_to.external_id == "demo-team-leader"
    assert count(Thread, Thread.client_id == demo_client.id) >= 3
    # Waiting now: the thread's last message is the client's (and the inbox's marker agrees).
    last = select(Message.thread_id, func.max(Message.sent_at).label("at")).group_by(Message.thread_id).subquery()
    waiting = db.session.scalar(
        select(func.count()).select_from(Thread).join(last, last.c.thread_id == Thread.id)
        .join(Message, (Message.thread_id == Thread.id) & (Message.sent_at == last.c.at))
        .where(Message.author_id == Thread.client_id))
    assert waiting >= 4
    assert count(Thread, Thread.waiting_since.is_not(None)) == waiting
    colors = dict(db.session.execute(select(Audit.color, func.count()).group_by(Audit.color)).all())
    assert set(colors) == {"green", "blue", "yellow"}
    assert count(Audit, Audit.coach_id == demo_coach.id, Audit.color == "yellow") >= 1
    statuses = dict(db.session.execute(select(Listing.status, func.count()).group_by(Listing.status)).all())
    assert set(statuses) == {"pending", "approved", "rejected", "removed", "hidden", "withdrawn"}  # issue #12
    assert count(Ticket) >= 6 and count(TicketNote) >= 1
    assert {s for (s,) in db.session.execute(select(Ticket.status).distinct())} >= {"new", "resolved"}
    assert count(Ticket, Ticket.reporter_id == demo_coach.id) >= 3
    assert count(ListingReport) >= 3
    assert count(SavedReply, SavedReply.owner_id == demo_coach.id) >= 5
    assert count(SavedReply, SavedReply.shared.is_(True)) >= 3
    assert count(CoachRating, CoachRating.client_id == demo_client.id) == 1
    assert count(Notification, Notification.user_id == demo_coach.id, Notification.read_at.is_(None)) >= 1
    assert demo_client.balance is not None and demo_client.balance_visible_to_coach


def test_the_printed_counts_of_extras_are_what_was_stored(demo):
    result, _ = demo
    assert result.extras["read_marks"] == count(ThreadRead) > 0  # was -1 on PostgreSQL
    assert result.extras["saved_replies"] == count(SavedReply) > 0


def test_loading_twice_adds_nothing(demo):
    tables = (User, Thread, Message, Audit, Listing, Ticket, SavedReply, CoachRating, Notification)
    before = [count(model) for model in tables]
    assert demo_loaded()
    again = load_demo(seed=11, scale=SCALE)
    set_demo_passwords()
    assert not again.loaded
    assert [count(model) for model in tables] == before


def test_the_command_loads_once_and_prints_the_logins(runner):
    first = runner.invoke(args=["demo", "--no-serve", "--skip-migrations", "--scale", str(SCALE)])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo program" in first.output
    for external_id in DEMO_LOGINS.values():
        assert re.search(rf"{external_id}\s+{DEMO_PASSWORD}", first.output)
    assert "http://127.0.0.1:5000" in first.output
    users = count(User)
    second = runner.invoke(args=["demo", "--no-serve", "--skip-migrations", "--scale", str(SCALE)])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output and count(User) == users


def test_the_demo_seeds_only_true_notifications(demo):
    """Issue #14: a seeded warning says how long the thread has really waited."""
    notes = db.session.scalars(select(Notification).where(Notification.kind == "sla_warning",
                                                          Notification.dedupe_key.like("demo:%"))).all()
    assert notes
    for note in notes:
        thread = db.session.get(Thread, int(note.link.rsplit("/", 1)[1]))
        claimed = int(re.match(r".* has waited (\d+) h for a reply in", note.text).group(1))
        real = (note.created_at - thread.waiting_since).total_seconds() / 3600
        assert claimed <= real < claimed + 1, (note.text, real)
