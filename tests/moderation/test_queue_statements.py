"""The moderation pages send as many statements for many listings as for two (issue #15: no N+1), in every
view of the queue, on the review page and in the API."""

from helpdesk.extensions import db
from helpdesk.moderation import reports, services
from helpdesk.moderation.models import ListingImage
from tests.statements import statements_for_page

PAGES = ["/moderation", *(f"/moderation?view={v}" for v in ("reported", "approved", "hidden", "rejected",
                                                            "removed")),
         "/moderation?view=pending&age=overdue", "/moderation/review", "/api/v1/moderation/queue",
         "/api/v1/moderation/queue?status=reported", "/api/v1/listings?status=approved"]


def _listings(n, mod, create_listing, create_user):
    """n listings of sellers of their own, one of each kind: pending (some claimed by moderators of their own,
    some overdue), approved and reported by members of their own, rejected; each with a photo."""
    for i in range(n):
        seller = create_user("client")
        pending = create_listing(seller, f"Pending {i}", hours_ago=30 if i % 2 else 1)
        if i % 2:
            services.claim_listing(create_user("support"), pending)
        live = create_listing(seller, f"Live {i}", status="approved")
        reports.report_listing(create_user("client"), live, "scam", None)
        create_listing(seller, f"Gone {i}", status="rejected")
        for listing in (pending, live):
            db.session.add(ListingImage(listing_id=listing.id, position=0, content_type="image/png", width=1,
                                        height=1, size=1, data=b"x", thumbnail=b"x"))
    db.session.flush()


def _counts(client, headers):
    return {path: len(statements_for_page(client, path, **(headers if path.startswith("/api/") else {})))
            for path in PAGES}


def test_moderation_pages_send_no_statement_per_listing(client, auth, api_headers, mod, create_listing,
                                                        create_user):
    headers = {"headers": api_headers(mod.support)}
    auth.login(mod.support)
    _listings(2, mod, create_listing, create_user)
    few = _counts(client, headers)
    _listings(20, mod, create_listing, create_user)
    many = _counts(client, headers)
    assert client.get("/moderation").get_data(as_text=True).count('data-testid="row-') == 22
    assert many == few
