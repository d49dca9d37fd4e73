"""The queue (issue #12): who reaches it, claims and their limit, filters and counts, declared reasons, bulk."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from helpdesk.extensions import db
from helpdesk.moderation import queue, services
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.moderation.services import ModerationError
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow


@contextmanager
def counted_queries():
    seen = []

    def count(*_args):
        seen.append(1)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_untrained_coach_gets_404_on_every_moderation_page_and_endpoint(app, client, auth, api_headers, mod,
                                                                           create_listing):
    listing = create_listing(mod.sam)
    urls = [("GET", "/moderation"), ("GET", "/moderation?view=reported"), ("GET", f"/listings/{listing.id}"),
            ("POST", f"/listings/{listing.id}/claim"), ("POST", f"/listings/{listing.id}/release"),
            ("POST", f"/listings/{listing.id}/decide"), ("POST", "/moderation/bulk"),
            ("POST", f"/listings/{listing.id}/resolve-reports"), ("GET", "/moderation/review"),
            ("POST", f"/listings/{listing.id}/review"), ("GET", "/moderation/accuracy")]
    api = [("GET", "/api/v1/listings"), ("GET", "/api/v1/moderation/queue"), ("GET", f"/api/v1/listings/{listing.id}"),
           ("POST", f"/api/v1/listings/{listing.id}/claim"), ("DELETE", f"/api/v1/listings/{listing.id}/claim"),
           ("POST", f"/api/v1/listings/{listing.id}/decisions"), ("POST", f"/api/v1/listings/{listing.id}/decision"),
           ("POST", "/api/v1/moderation/bulk"), ("POST", f"/api/v1/listings/{listing.id}/reports/resolve"),
           ("GET", "/api/v1/moderation/review"), ("POST", f"/api/v1/listings/{listing.id}/review"),
           ("GET", "/api/v1/moderation/stats")]
    # every moderation URL of the app is in one of the lists (a new one must be added here)
    routed = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith(("moderation.", "moderation_api."))}
    listed = {re.sub(r"/\d+(?=/|$)", "/<int:listing_id>", u.split("?")[0]) for _, u in urls + api}
    members_only = {"/marketplace", "/me/listings", "/listings/<int:listing_id>/report",
                    "/api/v1/listings/<int:listing_id>/reports", "/listings/new", "/listings/<int:listing_id>/edit",
                    "/listings/<int:listing_id>/withdraw", "/api/v1/listing-uploads",
                    # photos: by the listing's visibility (test_member_listings: an untrained coach gets 404)
                    "/listing-images/<int:image_id>", "/listing-images/<int:image_id>/thumbnail"}
    assert routed - members_only <= listed, routed - members_only - listed
    headers = api_headers(mod.una)
    for method, url in api:
        assert client.open(url, method=method, json={}, headers=headers).status_code == 404, url
    auth.login(mod.una)
    for method, url in urls:
        assert client.open(url, method=method).status_code == 404, url
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "/moderation" not in re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', home, re.S).group(1)
    assert db.session.scalar(select(func.count()).select_from(ModerationDecision)) == 0


def test_support_moderates_and_a_trained_coach_sees_the_queue(client, auth, mod, create_listing):
    create_listing(mod.sam, "Lamp")
    for user in (mod.support, mod.tia):
        auth.login(user)
        page = client.get("/moderation")
        assert page.status_code == 200 and "Lamp" in page.get_data(as_text=True)
        assert "/moderation" in re.search(r'<nav class="mainnav"[^>]*>(.*?)</nav>', page.get_data(as_text=True),
                                          re.S).group(1)
        auth.logout()


def test_claims_last_the_setting_and_the_limit_is_per_moderator(app, mod, create_listing, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_MAX_CLAIMS", 2)
    a, b, c = (create_listing(mod.sam, f"L{i}") for i in range(3))
    t0 = utcnow()
    services.claim_listing(mod.tia, a, now=t0)
    services.claim_listing(mod.tia, b, now=t0)
    services.claim_listing(mod.tia, a, now=t0 + timedelta(minutes=1))  # renewing is not one more claim
    with pytest.raises(ModerationError) as exc:
        services.claim_listing(mod.tia, c, now=t0 + timedelta(minutes=1))
    assert exc.value.status == 409 and "2 claims" in str(exc.value)
    assert c.claimed_by_id is None
    services.claim_listing(mod.tod, c, now=t0)  # another moderator's limit is their own
    assert services.claim_expires_at(c) == t0 + timedelta(minutes=15)
    services.release_claim(mod.tia, b)
    assert services.claims_held(mod.tia, t0 + timedelta(minutes=2)) == 1
    # expired claims do not count against the limit
    assert services.claims_held(mod.tia, t0 + timedelta(minutes=17)) == 0


def test_only_pending_listings_are_claimed(mod, create_listing):
    listing = create_listing(mod.sam, status="approved")
    with pytest.raises(ModerationError) as exc:
        services.claim_listing(mod.tia, listing)
    assert exc.value.status == 409 and "no longer pending" in str(exc.value)


def test_filters_by_category_and_age_and_counts_per_view(mod, create_listing):
    fresh = create_listing(mod.sam, "fresh phone", hours_ago=2, category="electronics")
    soon = create_listing(mod.sam, "soon sofa", hours_ago=12, category="home")
    late = create_listing(mod.sam, "late laptop", hours_ago=30, category="electronics")
    create_listing(mod.sam, "live lamp", hours_ago=50, category="home", status="approved")
    pick = lambda **kw: [x.title for x in db.session.scalars(queue.queue_select("pending", **kw))]  # noqa: E731
    assert pick() == ["late laptop", "soon sofa", "fresh phone"]
    assert pick(category="electronics") == ["late laptop", "fresh phone"]
    assert (pick(age="overdue"), pick(age="due_soon"), pick(age="fresh")) == (["late laptop"], ["soon sofa"],
                                                                              ["fresh phone"])
    counts = queue.queue_counts()
    assert (counts["pending"], counts["approved"], counts["overdue"], counts["reported"]) == (3, 1, 1, 0)
    assert queue.queue_counts("home")["pending"] == 1 and queue.queue_counts("home")["approved"] == 1
    assert queue.due_at(soon) == soon.submitted_at + timedelta(hours=24)
    assert [queue.is_overdue(x) for x in (fresh, soon, late)] == [False, False, True]
    with pytest.raises(ModerationError) as exc:
        queue.queue_select("pending", category="weapons")
    assert exc.value.field == "category"


def test_the_queue_page_shows_due_times_claims_and_overdue_rows(client, auth, mod, create_listing):
    late = create_listing(mod.sam, "Late sofa", hours_ago=30)
    fresh = create_listing(mod.sam, "Fresh chair", hours_ago=1)
    services.claim_listing(mod.tia, late)
    expires = services.claim_expires_at(late)
    auth.login(mod.tod)
    html = client.get("/moderation").get_data(as_text=True)
    late_row = re.search(rf'<tr class="overdue" data-testid="row-{late.id}">(.*?)</tr>', html, re.S).group(1)
    assert "Overdue since" in late_row and f"claimed by Tia until {expires:%H:%M}" in late_row
    fresh_row = re.search(rf'<tr class="" data-testid="row-{fresh.id}">(.*?)</tr>', html, re.S).group(1)
    due = fresh.submitted_at + timedelta(hours=24)
    assert f"Due {due:%Y-%m-%d %H:%M}" in fresh_row
    assert 'data-testid="overdue">1 overdue<' in html
    filtered = client.get("/moderation?age=fresh").get_data(as_text=True)
    assert "Fresh chair" in filtered and "Late sofa" not in filtered


def test_the_queue_page_costs_the_same_queries_for_5_or_50_listings(client, auth, mod, create_listing, create_user):
    auth.login(mod.tia)
    for i in range(5):
        services.claim_listing(mod.tod if i % 2 else mod.support, create_listing(create_user("client"), f"L{i}"))
    client.get("/moderation")
    with counted_queries() as few:
        assert client.get("/moderation").status_code == 200
    for i in range(45):
        listing = create_listing(create_user("client"), f"M{i}")
        if i % 3 == 0:
            services.claim_listing(mod.support if i % 2 else mod.admin, listing)
    with counted_queries() as many:
        assert client.get("/moderation").status_code == 200
    assert len(many) == len(few), (len(few), len(many))


def test_reject_with_a_declared_reason_and_text_tells_the_seller(client, api_headers, mod, create_listing):
    listing = create_listing(mod.sam, "Blue sofa")
    headers = api_headers(mod.tia)
    r = client.post(f"/api/v1/listings/{listing.id}/decision", json={"decision": "reject", "reason": "nonsense"},
                    headers=headers)
    assert r.status_code == 422 and "reason" in r.get_json()["errors"]["json"]
    r = client.post(f"/api/v1/listings/{listing.id}/decision", json={"decision": "reject", "reason": "other"},
                    headers=headers)
    assert r.status_code == 422 and "reason" in r.get_json()["errors"]["json"]
    r = client.post(f"/api/v1/listings/{listing.id}/decision",
                    json={"decision": "reject", "reason": "poor_photos", "text": "Show the stain"}, headers=headers)
    assert r.status_code == 201
    assert (r.get_json()["reason_code"], r.get_json()["reason"], r.get_json()["stage"]) == (
        "poor_photos", "Show the stain", "queue")
    note = db.session.scalar(select(Notification.text).where(Notification.user_id == mod.sam.id))
    assert note == "Your listing “Blue sofa” was not approved: Photos missing or unclear: Show the stain"
    seller = client.get(f"/api/v1/listings/{listing.id}", headers=api_headers(mod.sam)).get_json()
    assert seller["reason"] == "Photos missing or unclear: Show the stain"
    again = client.post(f"/api/v1/listings/{listing.id}/decision", json={"decision": "approve"}, headers=headers)
    assert again.status_code == 409


def test_bulk_is_all_or_nothing_with_a_result_per_listing(client, api_headers, mod, create_listing):
    a, b, theirs, unclaimed = (create_listing(mod.sam, f"L{i}") for i in range(4))
    for x in (a, b):
        services.claim_listing(mod.tia, x)
    services.claim_listing(mod.tod, theirs)
    headers = api_headers(mod.tia)
    r = client.post("/api/v1/moderation/bulk", json={"decision": "approve",
                                                      "listing_ids": [a.id, b.id, theirs.id, unclaimed.id]},
                    headers=headers)
    assert r.status_code == 409
    body = r.get_json()
    assert body["applied"] is False
    assert [(x["listing_id"], x["status"]) for x in body["results"]] == [(a.id, 424), (b.id, 424),
                                                                         (theirs.id, 409), (unclaimed.id, 409)]
    assert "Tod is reviewing" in body["results"][2]["message"]
    assert "Claim this listing" in body["results"][3]["message"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ModerationDecision)) == 0
    assert [db.session.get(Listing, x.id).status for x in (a, b)] == ["pending", "pending"]
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    r = client.post("/api/v1/moderation/bulk", json={"decision": "reject", "listing_ids": [a.id, b.id],
                                                      "reason": "duplicate"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["applied"] is True
    assert [x["message"] for x in r.get_json()["results"]] == ["rejected", "rejected"]
    db.session.expire_all()
    assert [db.session.get(Listing, x.id).status for x in (a, b)] == ["rejected", "rejected"]
    bad = client.post("/api/v1/moderation/bulk", json={"decision": "reject", "listing_ids": [theirs.id],
                                                        "reason": "other"}, headers=api_headers(mod.tod))
    assert bad.status_code == 422 and "reason" in bad.get_json()["errors"]["json"]


def test_bulk_from_the_queue_page(client, auth, mod, create_listing):
    a, b = create_listing(mod.sam, "Alpha"), create_listing(mod.sam, "Beta")
    auth.login(mod.tia)
    for x in (a, b):
        client.post(f"/listings/{x.id}/claim")
    html = client.get("/moderation").get_data(as_text=True)
    assert 'data-testid="bulk"' in html and "You hold 2 of at most 10 claims" in html
    r = client.post("/moderation/bulk", data={"listing_ids": [str(a.id), str(b.id)], "decision": "approve"})
    assert r.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Listing, x.id).status for x in (a, b)} == {"approved"}


def test_openapi_documents_the_queue_endpoints_with_response_schemas(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, method, status in (("/api/v1/moderation/queue", "get", "200"),
                                 ("/api/v1/listings/{listing_id}/decision", "post", "201"),
                                 ("/api/v1/moderation/bulk", "post", "200"),
                                 ("/api/v1/listings/{listing_id}", "get", "200"),
                                 ("/api/v1/listings/{listing_id}/claim", "post", "200")):
        response = spec["paths"][path][method]["responses"][status]
        assert "schema" in response["content"]["application/json"], (path, method)
