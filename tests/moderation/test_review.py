"""Reports, weighting, auto-hide, review and overturns (issue #12)."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from helpdesk.extensions import db
from helpdesk.moderation import history, reports, services
from helpdesk.moderation.models import ListingReport
from helpdesk.moderation.services import ModerationError
from helpdesk.rankings.response_metrics import moderation_counts
from helpdesk.types import utcnow


@pytest.fixture
def live(mod, create_listing):
    """A listing Tia approved."""
    def make(title="Phone"):
        listing = create_listing(mod.sam, title)
        services.decide(mod.tia, listing, "approve")
        return listing

    return make


def test_reports_take_a_declared_reason_and_one_open_report_per_member(mod, live, create_listing):
    listing = live()
    report = reports.report_listing(mod.rita, listing, "misleading", "Says new, is used")
    assert (report.reason_code, report.reason) == ("misleading", "Says new, is used")
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.rita, listing, "duplicate")
    assert exc.value.status == 409
    with pytest.raises(ModerationError) as exc:
        reports.report_listing(mod.rita, live("Other"), "other")
    assert exc.value.field == "reason"
    with pytest.raises(ModerationError) as exc:  # only live listings
        reports.report_listing(mod.rita, create_listing(mod.sam, "Pending"), "misleading")
    assert exc.value.status == 409
    # the database itself refuses a second open report of one member
    db.session.add(ListingReport(listing_id=listing.id, reporter_id=mod.rita.id, reason_code="other", reason="x",
                                 is_open=True))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_api_report_with_unknown_reason_is_other_with_text_and_twice_is_409(client, api_headers, mod, live):
    listing = live()
    headers = api_headers(mod.rita)
    r = client.post(f"/api/v1/listings/{listing.id}/reports", json={"reason": "misleading", "text": "Used"},
                    headers=headers)
    assert r.status_code == 201 and r.get_json()["reason_code"] == "misleading"
    assert client.post(f"/api/v1/listings/{listing.id}/reports", json={"reason": "misleading"},
                       headers=headers).status_code == 409


def test_weights_follow_the_reporters_track_record_with_a_neutral_prior(mod, live, create_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_HIDE_SCORE", 99)
    good, bad, new = create_user("client", name="Good"), create_user("client", name="Bad"), create_user("client")
    assert reports.weight_of(new) == 0.5
    for n in range(2):  # Good's reports were upheld twice, Bad's dismissed twice
        a, b = live(f"a{n}"), live(f"b{n}")
        reports.report_listing(good, a, "prohibited_item")
        reports.report_listing(bad, b, "offensive")
        reports.remove_listing(mod.tod, a, "Not allowed", reason_code="prohibited_item")
        reports.resolve_reports(mod.tod, b)
    assert (reports.weight_of(good), reports.weight_of(bad)) == (0.75, 0.25)  # (2+1)/(2+2), (0+1)/(2+2)
    by_good, by_bad, by_new = live("g"), live("b"), live("n")
    reports.report_listing(good, by_good, "misleading")
    reports.report_listing(bad, by_bad, "misleading")
    reports.report_listing(new, by_new, "misleading")
    queue = reports.review_queue(mod.support)
    assert [(r["listing"].title, r["score"]) for r in queue] == [("g", 0.75), ("n", 0.5), ("b", 0.25)]
    assert reports.review_queue(mod.tia) == []  # Tia approved them all: someone else reviews


def test_auto_hide_past_the_threshold_is_not_a_decision_and_keep_restores(mod, live, create_user):
    listing = live()
    first, second, third = (create_user("client") for _ in range(3))
    reports.report_listing(first, listing, "misleading")
    reports.report_listing(second, listing, "duplicate")
    assert listing.status == "approved"  # 1.0 < 1.5
    reports.report_listing(third, listing, "offensive")
    assert listing.status == "hidden" and len(listing.decisions) == 1
    assert [e.kind for e in history.history(listing)][-1] == "auto_hidden"
    row = reports.review_queue(mod.tod)[0]
    assert (row["reports"], row["score"]) == (3, 1.5)
    assert {r["reason"] for r in row["reasons"]} == {"misleading", "duplicate", "offensive"}
    assert reports.resolve_reports(mod.tod, listing) == 3
    assert listing.status == "approved"


def test_remove_after_someone_elses_approval_is_an_overturn_counted_against_the_approver(mod, live):
    t0 = utcnow()
    listing = live()
    reports.report_listing(mod.rita, listing, "prohibited_item")
    with pytest.raises(ModerationError) as exc:
        reports.remove_listing(mod.tia, listing, "Oops")  # overturn by self is not a review
    assert exc.value.status == 403
    reports.remove_listing(mod.support, listing, "Weapons are not allowed", reason_code="prohibited_item")
    assert listing.status == "removed"
    kinds = [e.kind for e in history.history(listing)]
    assert kinds == ["decided", "reported", "removed", "overturn"]
    counts = moderation_counts(t0 - timedelta(days=1), t0 + timedelta(days=1), utcnow() + timedelta(seconds=1))
    assert counts[mod.tia.id] == (1, 1)  # moderated 1, approved later rejected 1
    assert counts[mod.support.id] == (1, 0)


def test_review_pages_and_api(client, auth, api_headers, mod, live):
    listing = live("Bike")
    reports.report_listing(mod.rita, listing, "misleading", "Wrong size")
    auth.login(mod.support)
    html = client.get("/moderation/review").get_data(as_text=True)
    assert "Bike" in html and "Misleading × 1" in html and "(reports upheld + 1) / (reports reviewed + 2)" in html
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert 'data-testid="history"' in page and "Reported" in page
    body = client.get("/api/v1/moderation/review", headers=api_headers(mod.tod)).get_json()
    assert [(x["listing"]["title"], x["reports"], x["score"]) for x in body] == [("Bike", 1, 0.5)]
    assert client.get("/api/v1/moderation/review", headers=api_headers(mod.tia)).get_json() == []
    r = client.post(f"/api/v1/listings/{listing.id}/review", json={"decision": "remove", "reason": "misleading"},
                    headers=api_headers(mod.tod))
    assert r.status_code == 200 and r.get_json()["listing"]["status"] == "removed"
    again = client.post(f"/api/v1/listings/{listing.id}/review", json={"decision": "keep"},
                        headers=api_headers(mod.support))
    assert again.status_code == 409
    seller = client.get(f"/api/v1/listings/{listing.id}", headers=api_headers(mod.sam)).get_json()
    assert (seller["status"], seller["reason"]) == ("removed", "Misleading title, price or photos")


def test_a_report_stored_already_resolved_is_not_open(mod, live):
    listing = live()
    db.session.add(ListingReport(listing_id=listing.id, reporter_id=mod.rita.id, reason="old", resolved_at=utcnow()))
    db.session.flush()
    assert reports.open_reports(listing) == [] and reports.review_queue(mod.support) == []
    reports.report_listing(mod.rita, listing, "misleading")  # the closed one does not block a new one
