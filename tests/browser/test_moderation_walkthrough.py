"""Issue #12's "Done when", tried in the demo as new users would, in headless Chromium driven by Playwright."""

import os
import uuid

import pytest
from PIL import Image

from tests.browser.conftest import CHROMIUM, sign_in

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]


def _photo(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (320, 240), colour).save(path, "JPEG")
    return str(path)


def _member_logins(live_app, how_many, **where):
    """Give `how_many` more demo users a password (through the service), as an admin would; their logins."""
    from sqlalchemy import select

    from helpdesk.auth.models import User
    from helpdesk.auth.services import set_password
    from helpdesk.demo.people import DEMO_LOGINS, DEMO_PASSWORD
    from helpdesk.extensions import db

    with live_app.app_context():
        users = db.session.scalars(select(User).filter_by(**where).where(
            User.external_id.not_in(list(DEMO_LOGINS.values()))).order_by(User.external_id).limit(how_many)).all()
        for user in users:
            set_password(user, DEMO_PASSWORD)
        logins = [u.external_id for u in users]
        db.session.commit()
    return logins


def _coach_figures(live_app, login):
    """The demo coach's moderation figures for this month as the monthly export computes them."""
    from sqlalchemy import select

    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.rankings.metrics import month_figures
    from helpdesk.types import utcnow

    with live_app.app_context():
        coach_id = db.session.scalar(select(User.id).where(User.external_id == login))
        figures = month_figures(utcnow().strftime("%Y-%m"), utcnow()).get(coach_id, {})
        db.session.rollback()
    return figures.get("moderated"), figures.get("moderation_accuracy")


def test_list_moderate_report_remove_and_the_accuracy_drops(browser, live_url, live_app, tmp_path):
    url, _ = live_url
    title = f"Camping stove {uuid.uuid4().hex[:6]}"

    seller = sign_in(browser, live_url, "demo-client")
    seller.goto(url + "/me/listings")
    seller.click("[data-testid=new-listing]")
    seller.fill("input[name=title]", title)
    seller.fill("textarea[name=description]", "Two burners, with a gas canister.")
    seller.fill("input[name=price]", "45.00")
    seller.select_option("select[name=category]", "hobbies")
    seller.set_input_files("input[name=images]", [_photo(tmp_path, "a.jpg", (200, 40, 40)),
                                                  _photo(tmp_path, "b.jpg", (40, 40, 200))])
    seller.click("[data-testid=listing-form] button[type=submit]")
    seller.wait_for_load_state()
    assert seller.locator("[data-testid=status]").inner_text() == "pending"
    assert seller.locator("[data-testid=photos] img").count() == 2
    listing_url = seller.url

    coach = sign_in(browser, live_url, "demo-coach")
    coach.goto(url + "/moderation")
    assert coach.locator("tr.overdue").count() >= 1  # the overdue demo listing stands out
    before = _coach_figures(live_app, "demo-coach")
    row = coach.locator("tr", has_text=title)
    assert row.locator("[data-testid=due]").count() == 1 and row.locator("img").count() == 1
    row.locator("button", has_text="Claim").click()
    coach.wait_for_load_state()
    assert "Claimed by you until" in coach.locator("[data-testid=claimed]").inner_text()
    coach.check("input[name=decision][value=approve]")
    coach.click("text=Save decision")
    coach.wait_for_load_state()
    assert "Listing approved." in coach.content()

    for login in _member_logins(live_app, 2, role="client"):
        member = sign_in(browser, live_url, login)
        member.goto(url + "/marketplace")
        member.click(f"text={title}")
        member.wait_for_load_state()
        member.select_option("select[name=reason_code]", "misleading")
        member.fill("textarea[name=reason]", "The photos are not of a stove.")
        member.click("form[action$='/report'] button[type=submit]")
        member.wait_for_load_state()
        assert "a moderator will review" in member.content()
        member.context.close()

    support = sign_in(browser, live_url, "demo-support")
    support.goto(url + "/moderation/review")
    assert "(reports upheld + 1)" in support.locator("[data-testid=formula]").inner_text()
    row = support.locator("tr", has_text=title)
    assert "Misleading × 2" in row.inner_text()
    row.locator("input[name=decision][value=remove]").check()
    row.locator("select[name=reason_code]").select_option("misleading")
    row.locator("textarea[name=reason]").fill("The photos show something else.")
    row.locator("button", has_text="Save review").click()
    support.wait_for_load_state()
    assert "Removed from the marketplace" in support.content()

    seller.goto(listing_url)
    assert seller.locator("[data-testid=status]").inner_text() == "removed"
    assert "The photos show something else." in seller.locator("[data-testid=reason]").inner_text()

    after = _coach_figures(live_app, "demo-coach")
    assert after[0] == (before[0] or 0) + 1 and after[1] < (before[1] if before[1] is not None else 2)
    coach.goto(url + "/moderation/accuracy")
    assert coach.locator("[data-testid=accuracy] tbody tr").count() == 1
    assert f"{float(after[1]) * 100:.1f} %" in coach.locator("[data-testid=accuracy]").inner_text()

    untrained = _member_logins(live_app, 1, role="coach", moderation_trained=False)[0]
    other = sign_in(browser, live_url, untrained)
    assert "Moderation" not in other.locator("nav.mainnav a").all_inner_texts()
    assert other.goto(url + "/moderation").status == 404
    for page in (seller, coach, support, other):
        page.context.close()
