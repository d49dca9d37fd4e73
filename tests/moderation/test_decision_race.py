"""Two moderators deciding one pending listing at the same instant (PostgreSQL, committed rows, real requests).

issue #10 item 1: exactly one decision per pending listing, always; the loser gets a 409 and the seller hears
one outcome. Each round sends both decisions through the API from two threads released by one barrier."""

import threading
import time

import pytest
from sqlalchemy import func, select

from helpdesk.auth.services import create_token
from helpdesk.extensions import db
from helpdesk.moderation import services
from helpdesk.moderation.models import Listing, ModerationDecision
from helpdesk.notifications.models import Notification

ROUNDS = 30


def _post_decision(app, token, listing_id, decision, barrier, outcome, delay=0.0):
    client = app.test_client()
    body = {"decision": decision, "reason": "Blurry photos"} if decision == "reject" else {"decision": decision}
    try:
        barrier.wait(5)
        time.sleep(delay)
        response = client.post(f"/api/v1/listings/{listing_id}/decisions", json=body,
                               headers={"Authorization": f"Bearer {token}"})
        outcome.append(response.status_code)
    except Exception as exc:  # noqa: BLE001 - the test reports what escaped
        outcome.append(type(exc).__name__)


def _race(app, tokens, listing_id, offset):
    """Both requests leave one barrier; the second `offset` seconds later, so that the rounds sweep every
    interleaving of two requests arriving within a few milliseconds of each other."""
    barrier, outcome = threading.Barrier(2), []
    threads = [threading.Thread(target=_post_decision,
                                args=(app, token, listing_id, decision, barrier, outcome, delay))
               for token, decision, delay in zip(tokens, ("approve", "reject"), (0.0, offset), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    return sorted(outcome, key=str)


@pytest.mark.parametrize("claimed", [True, False], ids=["A-holds-the-claim", "unclaimed"])
def test_two_moderators_deciding_at_once_store_exactly_one_decision(app, committed_db, create_coach, create_user,
                                                                     claimed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race between two real sessions needs PostgreSQL")
    a = create_coach(name="Ada", moderation_trained=True)
    b = create_coach(name="Bo", moderation_trained=True)
    seller = create_user("client", name="Sam")
    listing_ids = []
    for n in range(ROUNDS):
        listing = Listing(seller_id=seller.id, title=f"Bike {n}")
        db.session.add(listing)
        db.session.flush()
        if claimed:
            services.claim_listing(a, listing)
        listing_ids.append(listing.id)
    tokens, ids, seller_id = (create_token(a), create_token(b)), (a.id, b.id), seller.id
    db.session.commit()
    db.session.remove()

    outcomes = [_race(app, tokens, lid, (n % 30) * 0.002) for n, lid in enumerate(listing_ids)]

    per_listing = dict(db.session.execute(
        select(ModerationDecision.listing_id, func.count()).group_by(ModerationDecision.listing_id)).all())
    told = dict(db.session.execute(
        select(Notification.link, func.count()).where(Notification.user_id == seller_id)
        .group_by(Notification.link)).all())
    doubled = [lid for lid in listing_ids if per_listing.get(lid, 0) != 1]
    told_twice = [lid for lid in listing_ids if told.get(f"/listings/{lid}", 0) != 1]
    assert (len(doubled), len(told_twice)) == (0, 0), f"{len(doubled)}/{ROUNDS} decided twice: {outcomes}"
    assert all(o == [201, 409] for o in outcomes), outcomes
    if claimed:  # the claim holder is the one who decides
        assert set(db.session.scalars(select(ModerationDecision.moderator_id))) == {ids[0]}
