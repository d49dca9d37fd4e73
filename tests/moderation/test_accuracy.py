"""Accuracy per moderator (issue #12, metrics.md section 9): the figures, the agreement with the export's SQL."""

from datetime import UTC, datetime, timedelta

from helpdesk.extensions import db
from helpdesk.moderation import accuracy, reports, services
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.rankings.response_metrics import moderation_counts

NOV = datetime(2026, 11, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)


def _listing(seller, submitted):
    listing = Listing(seller_id=seller.id, title="x", submitted_at=submitted)
    db.session.add(listing)
    db.session.flush()
    return listing


def test_month_figures_match_section_9_and_the_exports_sql(mod, create_user):
    t = NOV + timedelta(days=3)
    a = _listing(mod.sam, t)
    services.decide(mod.tia, a, "approve", now=t + timedelta(hours=2))
    b = _listing(mod.sam, t)
    services.decide(mod.tia, b, "approve", now=t + timedelta(hours=30))  # overdue
    c = _listing(mod.sam, t)
    services.decide(mod.tia, c, "reject", reason="No", now=t + timedelta(hours=4))
    reporter = create_user("client")
    reports.report_listing(reporter, a, "misleading", now=t + timedelta(days=2))
    reports.remove_listing(mod.tod, a, "Misleading", now=t + timedelta(days=2, hours=1))
    # overturn by self is not counted (section 9: "by anyone else"): imported history may hold one
    d = _listing(mod.sam, t)
    services.decide(mod.tia, d, "approve", now=t + timedelta(hours=1))
    db.session.add(ModerationDecision(listing_id=d.id, moderator_id=mod.tia.id, decision="reject", reason="self",
                                      at=t + timedelta(days=1)))
    db.session.flush()
    as_of = DEC + timedelta(days=1)
    rows = {r["moderator"]: r for r in accuracy.month_stats(NOV, DEC, as_of)}
    tia = rows["Tia"]
    assert (tia["moderated"], tia["approved_later_rejected"], tia["overdue"]) == (5, 1, 1)  # 4 queue + 1 imported
    assert str(tia["accuracy"]) == "0.800000000"
    assert tia["median_seconds_to_decide"] == 3 * 3600  # first decisions after 1, 2, 4, 30 h
    assert (rows["Tod"]["moderated"], rows["Tod"]["approved_later_rejected"]) == (1, 0)
    assert accuracy.section9_counts(NOV, DEC, as_of) == moderation_counts(NOV, DEC, as_of)


def test_page_own_figures_everyone_for_leaders_sortable_and_csv(client, auth, api_headers, mod):
    now = datetime.now(UTC)
    listing = _listing(mod.sam, now - timedelta(hours=3))
    services.decide(mod.tia, listing, "approve", now=now - timedelta(hours=1))
    other = _listing(mod.sam, now - timedelta(hours=3))
    services.decide(mod.tod, other, "approve", now=now - timedelta(hours=2))
    auth.login(mod.tia)
    html = client.get("/moderation/accuracy").get_data(as_text=True)
    assert f'data-testid="moderator-{mod.tia.id}"' in html and f'data-testid="moderator-{mod.tod.id}"' not in html
    auth.logout()
    auth.login(mod.lea)
    html = client.get("/moderation/accuracy?sort=median_seconds_to_decide&desc=1").get_data(as_text=True)
    assert html.index(f"moderator-{mod.tia.id}") < html.index(f"moderator-{mod.tod.id}")  # waits 2 h, 1 h
    html = client.get("/moderation/accuracy?sort=median_seconds_to_decide").get_data(as_text=True)
    assert html.index(f"moderator-{mod.tod.id}") < html.index(f"moderator-{mod.tia.id}")
    csv = client.get("/moderation/accuracy?format=csv").get_data(as_text=True).splitlines()
    assert csv[0] == ",".join(accuracy.COLUMNS) and len(csv) == 3
    body = client.get("/api/v1/moderation/stats", headers=api_headers(mod.tia)).get_json()
    assert [(x["moderator"], x["moderated"], x["accuracy"]) for x in body] == [("Tia", 1, 1.0)]
    assert client.get("/api/v1/moderation/stats?month=2026-13", headers=api_headers(mod.lea)).status_code == 422
    assert len(client.get("/api/v1/moderation/stats", headers=api_headers(mod.lea)).get_json()) == 2


def _decide(moderator, seller, n, overturn_by=None, overturned=0, day=3):
    """`n` approvals by `moderator` in November, the first `overturned` of them rejected later by
    `overturn_by`."""
    t = NOV + timedelta(days=day)
    for i in range(n):
        listing = _listing(seller, t)
        services.decide(moderator, listing, "approve", now=t + timedelta(hours=1))
        if i < overturned:
            reports.remove_listing(overturn_by, listing, "Misleading", now=t + timedelta(days=1))


def test_the_bonus_tier_outlook_is_the_stored_rankings_tier_and_follows_live_figures(
        app, client, auth, api_headers, mod, create_coach, monkeypatch):
    from helpdesk.rankings.snapshot import compute_snapshot

    monkeypatch.setitem(app.config, "MODERATION_MIN_DECISIONS", 4)
    ann = create_coach(name="Ann", moderation_trained=True)
    _decide(mod.tia, mod.sam, 4)                                          # accuracy 1.00
    _decide(mod.tod, mod.sam, 4, overturn_by=ann, overturned=1)           # 0.75
    _decide(ann, mod.sam, 4, overturn_by=mod.tia, overturned=2, day=5)    # 0.50
    _decide(mod.support, mod.sam, 5)                                      # staff: no bonus
    snapshot = compute_snapshot("2026-11", as_of=DEC + timedelta(days=1))
    stored = {r.coach_id: r.moderation_tier for r in snapshot.rows}
    assert (stored[mod.tia.id], stored[mod.tod.id], stored[ann.id]) == ("top", "middle", "bottom")

    rows = accuracy.month_stats(NOV, DEC, DEC + timedelta(days=1))
    basis = accuracy.with_tier_outlook("2026-11", rows)
    outlook = {r["moderator_id"]: (r["tier_outlook"], r["tier_note"]) for r in rows}
    assert basis["pool"] == 3 and not basis["provisional"]
    for coach in (mod.tia, mod.tod, ann):  # nothing changed since the snapshot: the export's own tiers
        assert outlook[coach.id] == (stored[coach.id], f"{stored[coach.id]} of 3 in the pool")
    assert outlook[mod.support.id] == (None, "no moderation bonus: only coaches trained for moderation have one")

    # Una starts moderating late in the month: 3 decisions are one short of the pool, 4 perfect ones lead it
    una = mod.una
    una.moderation_trained = True
    _decide(una, mod.sam, 3, day=20)
    rows = accuracy.month_stats(NOV, DEC, DEC + timedelta(days=1))
    accuracy.with_tier_outlook("2026-11", rows)
    assert {r["moderator_id"]: r["tier_note"] for r in rows}[una.id] == "1 more decision to join the pool"
    _decide(una, mod.sam, 1, day=21)
    rows = accuracy.month_stats(NOV, DEC, DEC + timedelta(days=1))
    accuracy.with_tier_outlook("2026-11", rows)
    assert {r["moderator_id"]: r["tier_outlook"] for r in rows}[una.id] == "top"  # 1.00 among 4: top ceil(4/3)=2

    auth.login(mod.lea)
    html = client.get("/moderation/accuracy?month=2026-11&sort=tier_outlook").get_data(as_text=True)
    assert "stored ranking" in html and 'class="badge tier-bottom"' in html
    assert html.index(f"moderator-{mod.tia.id}") < html.index(f"moderator-{ann.id}")  # best tier first
    csv = client.get("/moderation/accuracy?month=2026-11&format=csv").get_data(as_text=True).splitlines()
    assert csv[0].endswith(",tier_outlook") and any(line.endswith(",bottom") for line in csv)
    body = client.get("/api/v1/moderation/stats?month=2026-11", headers=api_headers(mod.tod)).get_json()
    assert [(x["moderator"], x["tier_outlook"]) for x in body] == [("Tod", "middle")]
    assert client.get("/api/v1/moderation/stats?month=2026-10", headers=api_headers(mod.tod)).get_json() == []
