"""Pages that read well on a phone and with assistive technology, in headless Chromium (Debian's).

One demo server for the module. Each role signs in once and walks its main pages at phone width (390 px),
then its main page again at 1280 px; every visit records whether the page scrolls sideways, what axe-core
(bundled by axe-playwright-python, MPL-2.0) reports as serious or critical (and two moderate rules,
ALSO_CHECKED), and which form fields have no
label. The tests read that record, so each page is loaded once.
"""

import os
from dataclasses import dataclass, field

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium (apt-get install chromium)"),
]

# Moderate by axe's measure, but each one misleads a screen reader on every row or page that has it: a column
# with no header name, and a page whose headings skip a level. Checked like the serious ones.
ALSO_CHECKED = {"empty-table-header", "heading-order"}

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Each role's pages, in the order walked; the first is where sign-in lands (its main page). A
# ("first link on", path, selector) entry opens the first matching link of that page (a thread, a ticket).
# The team leader marks a reply for calibration before the auditor walks, so the auditor's calibration
# page has a review form to check.
WALKS = {
    "demo-client": ["/my/threads", ("first link on", "/my/threads", "main a[href^='/threads/']"),
                    "/me/rating", "/me/survey", "/marketplace", "/notifications/"],
    "demo-coach": ["/inbox", ("first link on", "/inbox?view=all", "main a[href^='/threads/']"), "/audits/",
                   "/standing", "/tickets", "/moderation", "/settings/vacations"],
    "demo-team-leader": ["/inbox", "/team", "/rankings", "/sla", "/audits/calibration"],
    "demo-auditor": ["/audits/queue", "claim the first queue item",
                     ("first link on", "/audits/calibration", "main a[href^='/threads/']"), "/audits/calibration"],
    "demo-support": ["/moderation", "/tickets", ("first link on", "/tickets", "main table a[href^='/tickets/']")],
    "demo-admin": ["/audits/queue", "/admin/users", "/api/v1/docs"],
}

UNLABELLED_FIELDS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => !['hidden', 'submit', 'button', 'reset', 'image'].includes(e.type))
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.outerHTML.slice(0, 120))"""


@dataclass
class Visit:
    role: str
    path: str
    width: int
    scroll_width: int = 0
    client_width: int = 0
    serious: list = field(default_factory=list)
    unlabelled: list = field(default_factory=list)
    field_names: set = field(default_factory=set)

    def where(self):
        return f"{self.role} {self.path} at {self.width} px"


def record(page, role, width, axe):
    """What one loaded page shows: sideways scroll, axe's serious and critical violations, unlabelled fields."""
    path = page.url.split("/", 3)[3] if page.url.count("/") >= 3 else ""
    visit = Visit(role, "/" + path, width)
    visit.scroll_width, visit.client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    for v in axe.run(page).response["violations"]:
        if v["impact"] in ("serious", "critical") or v["id"] in ALSO_CHECKED:
            targets = ", ".join(str(n["target"][0]) for n in v["nodes"][:3])
            visit.serious.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    visit.unlabelled = page.evaluate(UNLABELLED_FIELDS)
    visit.field_names = set(page.eval_on_selector_all(
        "main input:not([type=hidden]), main select, main textarea", "els => els.map(e => e.name)"))
    return visit


def mark_for_calibration(page, url):
    """The team leader marks the first recent coach reply for calibration (so auditors get a review form)."""
    page.goto(url + "/audits/calibration")
    page.select_option("select[name=message_id]", index=1)
    page.fill("input[name=reviewers_needed]", "2")
    page.click("form[action$='/calibration/mark'] button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def walks(browser, live_url):
    """role -> its visits (phone width, then its main page at 1280 px), plus the nav at phone width."""
    url, _ = live_url
    axe = axe_sync.Axe()
    out = {}
    for role, steps in WALKS.items():
        page = sign_in(browser, live_url, role)
        landed = page.url.removeprefix(url)
        assert landed == steps[0], f"{role} lands on {landed}, not on the main page walked first ({steps[0]})"
        page.set_viewport_size(PHONE)
        visits = []
        for step in steps:
            if step == "claim the first queue item":
                page.goto(url + "/audits/queue")
                page.click("tr[data-item] form[action$='/claim'] button")
                page.wait_for_load_state()
                assert "/audits/queue/" in page.url, "the demo's audit queue has no item to claim"
            elif isinstance(step, tuple):
                _, on, selector = step
                page.goto(url + on)
                href = page.get_attribute(selector, "href")
                assert href, f"{role}: no {selector} on {on}"
                page.goto(url + href)
            else:
                page.goto(url + step)
            page.wait_for_load_state()
            visits.append(record(page, role, PHONE["width"], axe))
        if role == "demo-team-leader":
            mark_for_calibration(page, url)
        page.goto(url + steps[0])
        page.set_viewport_size(DESKTOP)
        page.wait_for_load_state()
        visits.append(record(page, role, DESKTOP["width"], axe))
        out[role] = visits
        page.context.close()
    return out


def test_every_role_walked_its_pages(walks):
    assert set(walks) == {"demo-client", "demo-coach", "demo-team-leader", "demo-auditor", "demo-support",
                          "demo-admin"}
    for role, visits in walks.items():
        assert len(visits) == len(WALKS[role]) + 1, role


def test_no_page_scrolls_sideways_at_phone_width(walks):
    wide = [f"{v.where()}: {v.scroll_width} px wide in a {v.client_width} px window"
            for visits in walks.values() for v in visits if v.scroll_width > v.client_width]
    assert not wide, "\n".join(wide)


def test_axe_finds_no_serious_or_critical_violation(walks):
    found = [f"{v.where()}: {s}" for visits in walks.values() for v in visits for s in v.serious]
    assert not found, "\n".join(found)


def test_every_form_field_has_a_label(walks):
    # A placeholder or a title is not a label: it goes away as one types, or shows only on hover.
    found = [f"{v.where()}: {html}" for visits in walks.values() for v in visits for html in v.unlabelled]
    assert not found, "\n".join(found)


def test_the_walk_met_the_fields_that_need_labels(walks):
    """The dispute, audit and calibration forms were on the pages walked, so the label test checked them."""
    def names(role, prefix):
        return set().union(*(v.field_names for v in walks[role] if v.path.startswith(prefix)))

    assert "reason" in names("demo-coach", "/audits/")  # the dispute of a Yellow
    assert {"color", "comment"} <= names("demo-auditor", "/audits/queue/")  # auditing a sampled reply
    assert "color" in names("demo-auditor", "/threads/")  # "Audit this reply" under a coach's message
    assert {"month", "color", "comment"} <= names("demo-auditor", "/audits/calibration")


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_navigation_collapses_behind_a_menu_at_phone_width(browser, live_url, script):
    url, password = live_url
    context = browser.new_context(viewport=PHONE, java_script_enabled=script)
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=login]", "demo-team-leader")
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    links = page.locator("nav.mainnav a")
    assert links.count() >= 5
    assert page.locator(".navmenu > summary").is_visible()
    assert not links.first.is_visible(), "the navigation is not folded at 390 px"
    page.click(".navmenu > summary")
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert links.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    links.filter(has_text="SLA").click()
    page.wait_for_load_state()
    assert page.url.endswith("/sla")
    context.close()


def test_navigation_is_open_on_a_wide_screen(browser, live_url):
    page = sign_in(browser, live_url, "demo-coach")
    page.set_viewport_size(DESKTOP)
    assert not page.locator(".navmenu > summary").is_visible()
    links = page.locator("nav.mainnav a")
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    page.context.close()


def test_skip_link_then_visible_focus(browser, live_url):
    page = sign_in(browser, live_url, "demo-coach")
    page.set_viewport_size(PHONE)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0 and skip.is_visible(), "the skip link stays off screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first link or field of the page itself
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {inMain: !!e.closest('main'), style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
    assert focused["inMain"], focused
    assert focused["style"] not in ("none", "") and focused["width"] >= 2, f"no visible focus ring: {focused}"
    page.context.close()
