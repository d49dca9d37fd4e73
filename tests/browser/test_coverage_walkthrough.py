"""The rest of the demo tried as a new user would: a client rates the coach; a coach goes on vacation and a
teammate answers from Coverage; search finds a word from an old message, and only in the coach's own threads.

This module has its own server (module-scoped fixtures, see conftest.py), so the vacation and the imported
history stay here. Tests read the live app's database for what a user would already know (who their
teammate is) and change it only through the services: a password as the demo gives one, old history as
an import brings it.
"""

import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, or_, select

from tests.browser.conftest import CHROMIUM, sign_in

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def demo_scale():
    # 6 coaches in two teams: demo-coach's team then has one coach away (the demo's) and one in.
    return 0.2


@pytest.fixture
def open_as(browser, live_url):
    """Sign in as a demo login in a fresh browser context; every context is closed after the test."""
    pages = []

    def open_as(login):
        page = sign_in(browser, live_url, login)
        pages.append(page)
        return page

    yield open_as
    for page in pages:
        page.context.close()


def submit(page, button):
    """Click a submit button (selector or locator) and wait for the page the form leads to."""
    with page.expect_navigation():
        (page.locator(button) if isinstance(button, str) else button).click()


def _user(external_id):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    return db.session.scalar(select(User).where(User.external_id == external_id))


def _give_demo_password(user):
    from helpdesk.auth.services import set_password
    from helpdesk.demo.people import DEMO_PASSWORD

    set_password(user, DEMO_PASSWORD)


def test_client_rates_their_coach_and_changes_the_rating(live_app, live_url, open_as):
    from helpdesk.clients.feedback import current_rating
    from helpdesk.clients.models import CoachRating
    from helpdesk.extensions import db

    url, _ = live_url
    with live_app.app_context():
        client_user = _user("demo-client")
        coach, earlier = current_rating(client_user)
        coach_id, coach_name, client_id = coach.id, coach.name, client_user.id
        first_flash = "Your rating is updated." if earlier else "Thank you, your rating is saved."

    client = open_as("demo-client")
    client.locator("nav.mainnav a", has_text="Rate my coach").click()
    client.wait_for_url("**/me/rating")
    expect(client.locator("main")).to_contain_text(f"How is {coach_name} doing?")

    client.check("input[name=stars][value='2']")
    client.fill("textarea[name=comment]", "Answers take two days; please name the exact menu.")
    submit(client, "form[action$='/me/rating'] button[type=submit]")
    expect(client.locator(".flash-info")).to_have_text(first_flash)
    expect(client.locator("main")).to_contain_text("Your current rating: 2 of 5")
    expect(client.locator("input[name=stars][value='2']")).to_be_checked()
    expect(client.locator("textarea[name=comment]")).to_have_value(
        "Answers take two days; please name the exact menu.")

    # Changing it replaces the rating: the page shows the new value and the client's new words.
    client.check("input[name=stars][value='5']")
    client.fill("textarea[name=comment]", "Much quicker lately, thank you!")
    submit(client, "button:has-text('Update rating')")
    expect(client.locator(".flash-info")).to_have_text("Your rating is updated.")
    expect(client.locator("main")).to_contain_text("Your current rating: 5 of 5")
    expect(client.locator("input[name=stars][value='5']")).to_be_checked()
    expect(client.locator("input[name=stars][value='2']")).not_to_be_checked()
    expect(client.locator("textarea[name=comment]")).to_have_value("Much quicker lately, thank you!")

    with live_app.app_context():
        stored = db.session.execute(
            select(func.count(CoachRating.id), func.max(CoachRating.stars))
            .where(CoachRating.client_id == client_id, CoachRating.coach_id == coach_id)).one()
    assert tuple(stored) == (1, 5)  # one current rating per client-coach pair


def test_coach_on_vacation_teammate_answers_from_coverage(live_app, live_url, open_as):
    from helpdesk.auth.models import Role, User
    from helpdesk.clients.coach_at import coach_id_at
    from helpdesk.clients.coverage import on_vacation
    from helpdesk.clients.models import Vacation
    from helpdesk.extensions import db

    url, _ = live_url
    today = datetime.now(UTC).date()
    last_day = today + timedelta(days=3)
    with live_app.app_context():
        coach = _user("demo-coach")
        assert coach_id_at(_user("demo-client").id) == coach.id
        away_today = select(Vacation.coach_id).where(on_vacation(today))
        teammate = db.session.scalar(
            select(User).where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id,
                               User.id != coach.id, User.id.not_in(away_today)).order_by(User.id))
        assert teammate is not None, "the demo should give demo-coach a teammate who is in today"
        assert db.session.get(User, coach.reports_to_id).external_id == "demo-team-leader"
        _give_demo_password(teammate)
        db.session.commit()
        coach_id, coach_name = coach.id, coach.name
        mate_login, mate_id, mate_name = teammate.external_id, teammate.id, teammate.name

    # demo-coach schedules a vacation from today in their settings.
    coach_page = open_as("demo-coach")
    coach_page.goto(url + "/settings/vacations")
    coach_page.fill("input[name=starts_on]", today.isoformat())
    coach_page.fill("input[name=ends_on]", last_day.isoformat())
    submit(coach_page, "form:has(input[name=starts_on]) button[type=submit]")
    expect(coach_page.locator(".flash-info")).to_have_text("Vacation scheduled.")
    vacation_row = coach_page.locator("tbody tr", has_text=last_day.isoformat())
    expect(vacation_row.locator(".badge")).to_have_text("now")

    # One of demo-coach's clients writes.
    subject = f"Payout missing after bank change {uuid.uuid4().hex[:6]}"
    question = "My payout did not arrive after I changed banks. Where is it?"
    client = open_as("demo-client")
    client.goto(url + "/my/threads")
    client.fill("input[name=subject]", subject)
    client.fill("textarea[name=body]", question)
    submit(client, "form[action$='/my/threads'] button[type=submit]")
    expect(client.locator("article.message.from-client .body")).to_have_text(question)
    thread_url = client.url

    # The teammate sees it in Coverage, with who is away, and answers it.
    mate = open_as(mate_login)
    mate.locator("nav.mainnav a", has_text="Coverage").click()
    mate.wait_for_url("**/coverage")
    expect(mate.locator("main")).to_contain_text(re.compile(r"Away today: [^.]*" + re.escape(coach_name)))
    row = mate.locator("table.inbox-rows tr", has_text=subject)
    expect(row).to_have_count(1)
    with mate.expect_navigation():
        row.locator("a", has_text=subject).click()
    answer = "It was sent to your old account; it comes back within three days and is then paid out again."
    mate.fill("#reply-body", answer)
    submit(mate, "form.reply-box button[type=submit]")
    expect(mate.locator("article.message.from-staff", has_text=answer)).to_have_count(1)
    # Answered, it no longer waits for cover.
    mate.goto(url + "/coverage")
    expect(mate.locator("table.inbox-rows tr", has_text=subject)).to_have_count(0)

    # The client sees the answer, and that the teammate gave it.
    client.goto(thread_url)
    reply = client.locator("article.message.from-staff", has_text=answer)
    expect(reply).to_have_count(1)
    expect(reply.locator(".meta strong")).to_have_text(mate_name)

    # The team leader's team page shows who is away, and until when.
    leader = open_as("demo-team-leader")
    leader.goto(url + "/team")
    coach_row = leader.locator(f"table.team-overview tr[data-coach='{coach_id}']")
    status = 1  # the Status column
    expect(coach_row).to_contain_text(coach_name)
    expect(coach_row.locator("td").nth(status)).to_have_text(f"away until {last_day.isoformat()}")
    expect(leader.locator(f"table.team-overview tr[data-coach='{mate_id}'] td").nth(status)).to_have_text("in")

    # demo-coach comes back early: deleting the vacation puts them back in on the team page.
    coach_page.goto(url + "/settings/vacations")
    submit(coach_page, vacation_row.locator("button", has_text="Delete"))
    expect(coach_page.locator(".flash-info")).to_have_text("Vacation deleted.")
    expect(coach_page.locator("tbody tr", has_text=last_day.isoformat())).to_have_count(0)
    leader.reload()
    expect(coach_row.locator("td").nth(status)).to_have_text("in")


def _import_old_thread(ext_id, client, coach, subject, bodies, days_ago):
    """Bring in an old conversation as an import of the program's history would: client and coach take
    turns, a day apart, starting `days_ago` days ago."""
    from helpdesk.imports.services import import_lines

    start = datetime.now(UTC) - timedelta(days=days_ago)
    lines = [json.dumps({"type": "thread", "id": ext_id, "client": client.external_id, "subject": subject})]
    for i, body in enumerate(bodies):
        author = client if i % 2 == 0 else coach
        sent_at = (start + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(json.dumps({"type": "message", "id": f"{ext_id}-{i}", "thread": ext_id,
                                 "author": author.external_id, "sent_at": sent_at, "body": body}))
    result = import_lines(lines, source="browser-test")
    assert result.ok, result.errors


def _search(page, url, words):
    page.goto(url + "/inbox")
    page.fill("form[role=search] input[name=q]", words)
    submit(page, "form[role=search] button[type=submit]")
    return page.locator("table.inbox-rows tbody tr[data-thread]")


def test_coach_search_finds_an_old_message_only_in_threads_they_may_see(live_app, live_url, open_as):
    from helpdesk.auth.models import Role, User
    from helpdesk.clients.coach_at import assignment_covers_sql
    from helpdesk.clients.models import Assignment
    from helpdesk.extensions import db
    from helpdesk.inbox.models import Message, Thread
    from helpdesk.types import utcnow

    url, _ = live_url
    own_word, other_word = "marzipan", "tamarind"
    with live_app.app_context():
        for word in (own_word, other_word):
            found = db.session.scalar(select(func.count(Message.id)).join(Thread).where(
                or_(Message.body.ilike(f"%{word}%"), Thread.subject.ilike(f"%{word}%"))))
            assert found == 0, f"{word!r} should not be in the demo yet"
        coach, client = _user("demo-coach"), _user("demo-client")
        # A coach of another team (demo-coach never covers them) and one of their current clients.
        other_coach, other_client = db.session.execute(
            select(User, Assignment.client_id).join(Assignment, Assignment.coach_id == User.id)
            .where(User.role == Role.COACH.value, User.reports_to_id != coach.reports_to_id,
                   assignment_covers_sql(utcnow()))
            .order_by(User.id, Assignment.client_id).limit(1)).one()
        other_client = db.session.get(User, other_client)
        _import_old_thread("browser-search-own", client, coach, "Shop banner",
                           [f"Can my shop banner show a {own_word} cake photo?",
                            "Yes: 1200 x 300 pixels, under Settings > Shop > Banner.",
                            "Done, it looks good.",
                            "Glad to hear it!"], days_ago=90)
        _import_old_thread("browser-search-other", other_client, other_coach, "Spice listing",
                           [f"Is {other_word} paste allowed in the food category?",
                            "Yes, sealed and labelled."], days_ago=80)
        _give_demo_password(other_coach)
        db.session.commit()
        other_login = other_coach.external_id

    coach_page = open_as("demo-coach")
    found = _search(coach_page, url, own_word)
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Shop banner")
    expect(found.locator(".excerpt")).to_have_text("Glad to hear it!")  # the word is only in an old message
    expect(coach_page.get_by_test_id("count-all")).to_have_text("1")
    with coach_page.expect_navigation():
        found.locator("a", has_text="Shop banner").click()
    expect(coach_page.locator("article.message", has_text=f"{own_word} cake photo")).to_have_count(1)

    # A word only in another team's client's thread finds nothing for demo-coach...
    hidden = _search(coach_page, url, other_word)
    expect(hidden).to_have_count(0)
    expect(coach_page.locator("table.inbox-rows")).to_contain_text("No threads here.")
    expect(coach_page.get_by_test_id("count-all")).to_have_text("0")
    # ...though that client's own coach finds it with the same search.
    other_page = open_as(other_login)
    expect(_search(other_page, url, other_word)).to_have_count(1)
