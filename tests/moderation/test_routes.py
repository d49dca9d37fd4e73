"""Moderation pages and API as users meet them."""

import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.moderation import services
from helpdesk.moderation.models import Listing, ListingReport


def test_api_claim_conflict_is_409_and_decision_by_other_refused(client, api_headers, mod, create_listing):
    listing = create_listing(mod.sam)
    r = client.post(f"/api/v1/listings/{listing.id}/claim", headers=api_headers(mod.tia))
    assert r.status_code == 200 and r.get_json()["claimed_by"]["name"] == "Tia"
    r = client.post(f"/api/v1/listings/{listing.id}/claim", headers=api_headers(mod.tod))
    assert r.status_code == 409 and "Tia is reviewing" in r.get_json()["message"]
    r = client.post(f"/api/v1/listings/{listing.id}/decisions", json={"decision": "approve"},
                    headers=api_headers(mod.tod))
    assert r.status_code == 409
    r = client.post(f"/api/v1/listings/{listing.id}/decisions", json={"decision": "approve"},
                    headers=api_headers(mod.tia))
    assert r.status_code == 201
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "approved"


def test_api_untrained_coach_404_and_reject_without_reason_names_field(client, api_headers, mod, create_listing):
    listing = create_listing(mod.sam)
    r = client.post(f"/api/v1/listings/{listing.id}/decisions", json={"decision": "approve"},
                    headers=api_headers(mod.una))
    assert r.status_code == 404  # issue #12: the queue does not exist for an untrained coach
    r = client.post(f"/api/v1/listings/{listing.id}/decisions", json={"decision": "reject"},
                    headers=api_headers(mod.tia))
    assert r.status_code == 422 and "reason" in r.get_json()["errors"]["json"]
    r = client.post(f"/api/v1/listings/{listing.id}/decisions", json={"decision": "maybe"},
                    headers=api_headers(mod.tia))
    assert r.status_code == 422 and "decision" in r.get_json()["errors"]["json"]


def test_api_queue_views(client, api_headers, mod, create_listing):
    old, new = create_listing(mod.sam, "old", hours_ago=30), create_listing(mod.sam, "new", hours_ago=1)
    body = client.get("/api/v1/listings?status=pending", headers=api_headers(mod.support)).get_json()
    assert [x["title"] for x in body["items"]] == ["old", "new"] and body["total"] == 2
    assert client.get("/api/v1/listings?status=bogus", headers=api_headers(mod.tia)).status_code == 422
    member = client.get("/api/v1/listings?status=reported", headers=api_headers(mod.sam))
    assert member.status_code == 422
    assert member.get_json() == {"error": "unprocessable_entity", "status": 422,
                                 "message": "status: Members see pending, approved or rejected.",
                                 "errors": {"query": {"status": ["Members see pending, approved or rejected."]}}}
    assert client.get("/api/v1/listings", headers=api_headers(mod.auditor)).status_code == 403
    assert old.id and new.id


def test_client_reports_and_the_listing_returns_to_reported_view(client, api_headers, mod, create_listing):
    listing = create_listing(mod.sam, "Phone")
    services.decide(mod.tia, listing, "approve")
    r = client.post(f"/api/v1/listings/{listing.id}/reports", json={"reason": "It is a fake"},
                    headers=api_headers(mod.rita))
    assert r.status_code == 201
    body = client.get("/api/v1/listings?status=reported", headers=api_headers(mod.tod)).get_json()
    assert [(x["title"], x["open_reports"]) for x in body["items"]] == [("Phone", 1)]
    r = client.post(f"/api/v1/listings/{listing.id}/reports/resolve", headers=api_headers(mod.tod))
    assert r.get_json() == {"resolved": 1}
    assert client.get("/api/v1/listings?status=reported", headers=api_headers(mod.tod)).get_json()["total"] == 0
    # staff cannot file citizen reports; a pending listing of another member is not visible to a client
    assert client.post(f"/api/v1/listings/{listing.id}/reports", json={"reason": "x"},
                       headers=api_headers(mod.tia)).status_code == 403
    hidden = create_listing(mod.sam, "Hidden")
    assert client.post(f"/api/v1/listings/{hidden.id}/reports", json={"reason": "x"},
                       headers=api_headers(mod.rita)).status_code == 404


def test_seller_sees_status_and_reason_but_never_the_moderator(client, api_headers, auth, mod, create_listing):
    listing = create_listing(mod.sam, "Lamp")
    services.decide(mod.tia, listing, "reject", reason="Blurry photo", note="Tia-internal: seller warned before")
    body = client.get(f"/api/v1/listings/{listing.id}", headers=api_headers(mod.sam)).get_json()
    assert body == {"id": listing.id, "title": "Lamp", "description": "Good bike", "status": "rejected",
                    "submitted_at": body["submitted_at"], "reason": "Blurry photo", "price": None,
                    "category": "other", "images": [], "own": True}
    mine = client.get("/api/v1/listings", headers=api_headers(mod.sam)).get_json()
    assert [x["status"] for x in mine["items"]] == ["rejected"] and "decisions" not in mine["items"][0]
    # staff see the whole history
    staff = client.get(f"/api/v1/listings/{listing.id}", headers=api_headers(mod.lea)).get_json()
    assert staff["decisions"][0]["moderator"]["name"] == "Tia"
    auth.login(mod.sam)
    for url in (f"/listings/{listing.id}", "/me/listings"):
        page = client.get(url).get_data(as_text=True)
        assert "rejected" in page and "Blurry photo" in page
        assert "Tia" not in page and "seller warned" not in page


def test_queue_page_badges_counts_and_claimed_by(client, auth, mod, create_listing):
    late = create_listing(mod.sam, "Late sofa", hours_ago=30)
    create_listing(mod.sam, "Fresh chair", hours_ago=1)
    services.claim_listing(mod.tia, late)
    auth.login(mod.tod)
    page = client.get("/moderation").get_data(as_text=True)
    assert page.index("Late sofa") < page.index("Fresh chair")
    assert "badge-red" in page and "badge-calm" in page and "claimed by Tia" in page
    assert 'data-testid="count-pending">2<' in page


def test_page_decision_flow(client, auth, mod, create_listing):
    listing = create_listing(mod.sam, "Desk")
    auth.login(mod.tia)
    r = client.post(f"/listings/{listing.id}/decide", data={"decision": "reject", "reason": ""})
    assert r.status_code == 422 and "reject needs a reason" in r.get_data(as_text=True)
    assert client.post(f"/listings/{listing.id}/claim").status_code == 302
    r = client.post(f"/listings/{listing.id}/decide", data={"decision": "approve"})
    assert r.status_code == 302
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "Tia" in page and "approve" in page


def test_page_report_by_client(client, auth, mod, create_listing):
    listing = create_listing(mod.sam, "Bike", status="approved")
    auth.login(mod.rita)
    r = client.post(f"/listings/{listing.id}/report", data={"reason": "Stolen bike"})
    assert r.status_code == 302
    assert db.session.scalar(select(ListingReport.reason).where(ListingReport.listing_id == listing.id)) == "Stolen bike"
    assert client.get("/moderation").status_code == 403


def test_marketplace_lists_approved_listings_only_and_never_names_a_seller(client, auth, mod, create_listing):
    lamp = create_listing(mod.sam, "Brass lamp", hours_ago=5, status="approved")
    lamp.description = "Warm light, 100% brass"
    chair = create_listing(mod.sam, "Oak chair", hours_ago=2, status="approved")
    create_listing(mod.sam, "Pending sofa", status="pending")
    create_listing(mod.sam, "Rejected rug", status="rejected")
    auth.login(mod.rita)
    html = client.get("/marketplace").get_data(as_text=True)
    titles = re.findall(r'<a href="/listings/\d+">([^<]+)</a>', html)
    assert titles == ["Oak chair", "Brass lamp"]  # newest first, approved only
    assert "Sam" not in html  # a client never sees another client
    assert "Marketplace" in _nav(html)
    # Search: title or description, wildcards literal.
    assert re.findall(r'<a href="/listings/\d+">([^<]+)</a>', client.get("/marketplace?q=brass").get_data(
        as_text=True)) == ["Brass lamp"]
    assert "Brass lamp" in client.get("/marketplace?q=100%25").get_data(as_text=True)
    assert "No listing matches." in client.get("/marketplace?q=unicorn").get_data(as_text=True)
    # From a listing, a member reports it, and finds the way back.
    page = client.get(f"/listings/{lamp.id}").get_data(as_text=True)
    assert "Report this listing" in page and 'href="/marketplace"' in page
    assert chair.id


def test_marketplace_marks_the_members_own_listings_and_is_for_members_only(client, auth, mod, create_listing):
    create_listing(mod.sam, "Brass lamp", status="approved")
    auth.login(mod.sam)
    assert '<span class="badge">yours</span>' in client.get("/marketplace").get_data(as_text=True)
    auth.logout()
    auth.login(mod.tia)
    assert client.get("/marketplace").status_code == 403


def _nav(html: str) -> str:
    return re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', html, re.S).group(1)


def test_marketplace_pages_keep_the_search(client, auth, mod, create_listing):
    for i in range(51):
        create_listing(mod.sam, f"Lamp {i:02d}", hours_ago=i + 1, status="approved")
    create_listing(mod.sam, "Chair", status="approved")
    auth.login(mod.rita)
    html = client.get("/marketplace?q=lamp").get_data(as_text=True)
    assert "Page 1 of 2 · 51 listings" in html
    nxt = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    assert "q=lamp" in nxt and "page=2" in nxt
    second = client.get(nxt).get_data(as_text=True)
    assert "Page 2 of 2 · 51 listings" in second and "Lamp 50" in second and "Chair" not in second
