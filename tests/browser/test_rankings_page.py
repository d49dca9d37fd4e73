"""Issue #14's Rankings page in headless Chromium: it fits 1280 px without a sideways scroll, its headers are
grouped and stay in view, it sorts by a header link, and it switches to the current month's provisional one."""

import os
import re

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]

GROUPS = ["Quality", "Speed", "Success", "Happiness", "Moderation", "Money"]


@pytest.fixture(scope="module")
def demo_scale():
    return 1  # the whole demo: 30 coaches, a full table


def _leader_page(browser, live_url, login):
    page = sign_in(browser, live_url, login)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_url[0] + "/rankings")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("login", ["demo-admin", "demo-team-leader"])
def test_fits_1280_px_with_grouped_sticky_headers(browser, live_url, login):
    page = _leader_page(browser, live_url, login)
    assert page.locator("[data-testid=ranking-table] tbody tr[data-coach]").count() >= 2
    assert "Final" in page.locator("[data-testid=ranking-status]").inner_text()  # the last complete month
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways at 1280 px: {width}"
    groups = page.locator("thead th[scope=colgroup]")
    assert groups.all_inner_texts() == GROUPS
    spans = [int(g.get_attribute("colspan")) for g in groups.all()]
    assert sum(spans) == page.locator("thead tr.ranking-columns th").count()
    # Scrolled past the table's top, the column headers stay at the top of the window, under the group
    # headers (the table must be longer than the window for that: the admin's 30 rows are).
    if login != "demo-admin":
        return
    table = page.locator("[data-testid=ranking-table]").bounding_box()
    assert table["height"] > 1000
    page.evaluate(f"window.scrollTo(0, {table['y'] + 300})")
    assert page.evaluate("window.scrollY") > table["y"] + 250
    group_top = page.locator("thead tr.ranking-groups th").first.bounding_box()["y"]
    column_top = page.locator("thead tr.ranking-columns th").first.bounding_box()["y"]
    assert abs(group_top) < 2 and 0 < column_top < 60


def test_sorts_by_a_header_link_and_switches_to_the_provisional_month(browser, live_url):
    page = _leader_page(browser, live_url, "demo-admin")
    page.click("thead tr.ranking-columns th >> text=Mean")
    page.wait_for_load_state()
    assert "sort=mean_response_seconds" in page.url
    column = page.locator("thead tr.ranking-columns th").all_inner_texts().index("Mean ▲") + 1  # after Coach
    means = [float(t.split()[0]) for t in page.locator(f"tbody tr[data-coach] td:nth-child({column + 1})")
             .all_inner_texts() if t.strip() != "–"]
    assert len(means) >= 2 and means == sorted(means)
    page.click("[data-testid=month-switch] >> text=Current month so far")
    page.wait_for_load_state()
    assert re.search(r"month=\d{4}-\d{2}", page.url)
    assert "Provisional" in page.locator("[data-testid=ranking-status]").inner_text()
