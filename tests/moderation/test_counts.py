"""The queue's listing counts (moderation/counts.py) follow every change of a listing's status or category,
whoever makes it, stay exact with several moderators at once (PostgreSQL), and can be rebuilt from scratch."""

import threading

import pytest
from sqlalchemy import func, select, text, update

from helpdesk.extensions import db
from helpdesk.moderation import counts, listings, reports, services
from helpdesk.moderation.models import Listing, ListingCount
from helpdesk.moderation.queue import queue_counts


def _true_counts(category=None) -> dict[str, int]:
    stmt = select(Listing.status, func.count()).group_by(Listing.status)
    if category:
        stmt = stmt.where(Listing.category == category)
    return dict(db.session.execute(stmt).all())


def _kept(category=None) -> dict[str, int]:
    return {status: n for status, n in counts.status_counts(category).items() if n}


def test_the_counts_follow_every_change_of_status_and_category(app, mod, create_listing, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_HIDE_SCORE", 0.1)  # one report hides a live listing
    steps = []

    def check(what):
        db.session.flush()
        steps.append((what, _kept(), _kept("home"), _kept("electronics")))
        assert (_kept(), _kept("home"), _kept("electronics")) == (
            _true_counts(), _true_counts("home"), _true_counts("electronics")), what

    old = [create_listing(mod.sam, title=f"Old {i}", hours_ago=30) for i in range(3)]  # a factory's rows
    check("factory")
    new = listings.create_listing(mod.sam, "Lamp", "A lamp", "12.00", "home")
    check("created")
    listings.edit_listing(mod.sam, new, "Lamp", "A lamp", "12.00", "electronics")
    check("category changed")
    services.decide(mod.tia, new, "approve")
    check("approved")
    reports.report_listing(mod.rita, new, "misleading")
    assert new.status == "hidden"
    check("hidden by a report")
    reports.resolve_reports(mod.tod, new)
    assert new.status == "approved"
    check("kept after review")
    reports.report_listing(mod.rita, new, "offensive")
    reports.remove_listing(mod.tod, new, "Not allowed")
    check("removed after review")
    services.decide(mod.tia, old[0], "reject", "Blurry")
    check("rejected")
    listings.withdraw_listing(mod.sam, old[1])
    check("withdrawn")
    for listing in old[2:]:
        services.claim_listing(mod.tia, listing)
    ok, _ = services.bulk_decide(mod.tia, [old[2].id, 99999999], "approve")  # all or nothing: nothing
    assert not ok
    check("a bulk decision rolled back")
    assert _kept("electronics") == {"removed": 1} and _kept()["pending"] == 1
    assert counts.recount() == {}


def test_the_queue_tabs_read_the_counts_under_the_category_filter(client, auth, mod, create_listing):
    for i in range(3):
        create_listing(mod.sam, title=f"Chair {i}", category="home", hours_ago=30 if i else 1)
    create_listing(mod.sam, title="Phone", category="electronics", status="approved")
    auth.login(mod.tia)
    page = client.get("/moderation?category=home").get_data(as_text=True)
    assert 'data-testid="count-pending">3<' in page and 'data-testid="count-approved">0<' in page
    assert "2 overdue" in page
    assert queue_counts()["approved"] == 1 and queue_counts("electronics")["pending"] == 0


def test_recount_finds_and_repairs_wrong_counts(mod, create_listing):
    for i in range(4):
        create_listing(mod.sam, title=f"Bike {i}")
    db.session.execute(update(ListingCount).where(ListingCount.status == "pending").values(n=ListingCount.n + 5))
    db.session.execute(text("INSERT INTO listing_counts (status, category, n) VALUES ('removed', 'home', 2)"))
    assert counts.recount() == {("pending", "other"): (9, 4), ("removed", "home"): (2, 0)}
    assert _kept() == {"pending": 4} == _true_counts()
    assert counts.recount() == {}


def test_the_recount_command_says_what_it_repaired(runner, mod, create_listing):
    create_listing(mod.sam, title="Bike")
    assert runner.invoke(args=["moderation", "recount"]).output == "The counts are right.\n"
    db.session.execute(update(ListingCount).values(n=0))
    result = runner.invoke(args=["moderation", "recount"])
    assert result.exit_code == 0 and result.output == "pending / other: 0 kept, 1 listed: repaired\n1 count(s) repaired\n"
    assert _kept() == {"pending": 1}


THREADS = 8


def test_moderators_and_sellers_at_once_leave_the_counts_exact(app, committed_db, mod, create_listing):
    """Eight writers released by one barrier, each moving a listing of the same category between the same few
    statuses in its own transaction (approve, reject, withdraw, create, review keep and remove), for several
    rounds: no change is lost, none counted twice, and no two of them deadlock."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    rounds = 6
    pending = [create_listing(mod.sam, title=f"P{i}", category="home").id for i in range(rounds * 4)]
    live = [create_listing(mod.sam, title=f"L{i}", category="home", status="approved").id for i in range(rounds * 2)]
    tia, tod, sam = mod.tia.id, mod.tod.id, mod.sam.id
    db.session.commit()
    db.session.remove()
    errors = []

    def work(n, barrier, job):
        with app.app_context():
            try:
                barrier.wait(10)
                job(n)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the test reports what escaped
                errors.append(repr(exc))
                db.session.rollback()
            finally:
                db.session.remove()

    def user(user_id):
        return db.session.get(type(mod.tia), user_id)

    def listing(listing_id):
        return db.session.get(Listing, listing_id)

    jobs = [lambda r: services.decide(user(tia), listing(pending[4 * r]), "approve"),
            lambda r: services.decide(user(tod), listing(pending[4 * r + 1]), "approve"),
            lambda r: services.decide(user(tia if r % 2 else tod), listing(pending[4 * r + 2]), "reject", "Blurry"),
            lambda r: listings.withdraw_listing(user(sam), listing(pending[4 * r + 3])),
            lambda r: listings.create_listing(user(sam), f"New {r}", None, "5.00", "home"),
            lambda r: listings.withdraw_listing(user(sam), listing(live[2 * r])),
            lambda r: reports.remove_listing(user(tod), listing(live[2 * r + 1]), "Not allowed"),
            lambda r: listings.create_listing(user(sam), f"Other {r}", None, "1.00", "electronics")]
    assert len(jobs) == THREADS
    for r in range(rounds):
        barrier = threading.Barrier(THREADS)
        threads = [threading.Thread(target=work, args=(r, barrier, job)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert errors == []
    with app.app_context():
        assert _kept("home") == _true_counts("home") == {"approved": 2 * rounds, "rejected": rounds,
                                                         "withdrawn": 2 * rounds, "removed": rounds,
                                                         "pending": rounds}
        assert _kept() == _true_counts() and counts.recount() == {}


def test_two_bulk_decisions_across_categories_at_once_do_not_deadlock(app, committed_db, mod, create_listing):
    """Each moderator decides their claims of two categories, named in opposite orders: the counts' rows are
    taken in one order (bulk_decide works through the listings by category), so neither waits on the other."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")
    rounds, plan = 5, []
    for _ in range(rounds):
        a = [create_listing(mod.sam, category=c) for c in ("home", "electronics")]
        b = [create_listing(mod.sam, category=c) for c in ("electronics", "home")]
        for listing in a:
            services.claim_listing(mod.tia, listing)
        for listing in b:
            services.claim_listing(mod.tod, listing)
        plan.append(([x.id for x in a], [x.id for x in b]))
    tia, tod = mod.tia.id, mod.tod.id
    db.session.commit()
    db.session.remove()
    errors = []

    def work(user_id, ids, decision, barrier):
        with app.app_context():
            try:
                barrier.wait(10)
                ok, results = services.bulk_decide(db.session.get(type(mod.tia), user_id), ids, decision, "other",
                                                   "Blurry")
                assert ok, results
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the test reports what escaped
                errors.append(repr(exc)[:200])
                db.session.rollback()
            finally:
                db.session.remove()

    for a, b in plan:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=work, args=(tia, a, "approve", barrier)),
                   threading.Thread(target=work, args=(tod, b, "approve", barrier))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert errors == []
    with app.app_context():
        assert _kept() == _true_counts() == {"approved": 4 * rounds} and counts.recount() == {}
