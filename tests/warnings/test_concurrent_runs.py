"""Two warnings runs at the same instant (two workers, a retried job) send each warning once (PostgreSQL)."""

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.moderation.models import Listing
from helpdesk.notifications.models import Notification

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="a race between two runs needs PostgreSQL's concurrent transactions")

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _world(create_user, create_coach, create_client, create_thread, create_message):
    leader = create_user("team_leader")
    coaches = [create_coach(team_leader=leader, moderation_trained=True) for _ in range(3)]
    for n, coach in enumerate(coaches):
        for age in (21, 25, 26):
            thread = create_thread(create_client(coach=coach), subject=f"Question {n}-{age}")
            create_message(thread, thread.client, sent_at=NOW - timedelta(hours=age))
    seller = create_client()
    db.session.add_all([Listing(seller_id=seller.id, title=f"Lamp {n}", submitted_at=NOW - timedelta(hours=h))
                        for n, h in enumerate((21, 22, 25, 30, 31))])
    create_user("admin")
    db.session.commit()


def _race(app, runs: int, work) -> list:
    barrier, results, errors = threading.Barrier(runs), [], []

    def one():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _duplicates():
    """(user, kind, text, link) stored more than once: a warning sent twice, keyed or grouped."""
    n = Notification
    return db.session.execute(select(n.user_id, n.kind, n.text, n.link, func.count())
                              .group_by(n.user_id, n.kind, n.text, n.link).having(func.count() > 1)).all()


@pytest.mark.parametrize("scans_only", [False, True], ids=["whole job", "scans without update_waits"])
def test_runs_at_the_same_instant_send_each_warning_once(app, committed_db, create_user, create_coach,
                                                         create_client, create_thread, create_message, scans_only):
    """Whole job: the waits cursor already serialises the runs. The scans alone (no cursor lock): the
    watermark's row lock and the claims/unique keys must keep it to one."""
    from helpdesk.audits.warnings import yellow_audits
    from helpdesk.moderation.warnings import pending_listings
    from helpdesk.sla.services import update_waits
    from helpdesk.sla.warnings import LOOKBACK, client_waits
    from workers.warnings import send_sla_warnings

    _world(create_user, create_coach, create_client, create_thread, create_message)
    update_waits()  # its cursor row exists before the race (two first runs at once collide on creating it)
    db.session.commit()
    if scans_only:
        def work():
            return {**client_waits(NOW), **pending_listings(NOW, LOOKBACK), **yellow_audits(NOW, LOOKBACK)}
    else:
        def work():
            return send_sla_warnings(NOW.isoformat())
    results = _race(app, 4, work)
    db.session.expire_all()
    assert _duplicates() == []
    totals = {key: sum(r[key] for r in results) for key in ("wait_warnings", "wait_breaches", "listing_breaches",
                                                               "listing_warnings")}
    # 3 coaches: one 21 h warning each; two breaches each, to the coach, and grouped for the leader.
    # Listings: 3 breached (3 moderators and the admin; team leaders do not moderate), 2 warned (3 moderators),
    # grouped.
    assert totals == {"wait_warnings": 3, "wait_breaches": 6 + 1, "listing_breaches": 4, "listing_warnings": 3}
    assert db.session.scalar(select(func.count()).select_from(Notification)) == sum(totals.values())
