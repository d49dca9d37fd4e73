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
                                                                     claimed, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race between two real sessions needs PostgreSQL")
    monkeypatch.setitem(app.config, "MODERATION_MAX_CLAIMS", ROUNDS)  # A holds one claim per round
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


def _claim_in_thread(app, token, listing_id, barrier, outcome):
    client = app.test_client()
    try:
        barrier.wait(5)
        outcome.append(client.post(f"/api/v1/listings/{listing_id}/claim",
                                   headers={"Authorization": f"Bearer {token}"}).status_code)
    except Exception as exc:  # noqa: BLE001 - the test reports what escaped
        outcome.append(type(exc).__name__)


def test_one_moderator_claiming_many_at_once_stays_within_the_limit(app, committed_db, create_coach, create_user,
                                                                   monkeypatch):
    """The limit is counted under a lock on the moderator's row: six claims sent at once, limit 2."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race between two real sessions needs PostgreSQL")
    monkeypatch.setitem(app.config, "MODERATION_MAX_CLAIMS", 2)
    a = create_coach(name="Ada", moderation_trained=True)
    seller = create_user("client", name="Sam")
    rounds = []
    for r in range(5):
        ids = []
        for n in range(6):
            listing = Listing(seller_id=seller.id, title=f"Lamp {r}-{n}")
            db.session.add(listing)
            db.session.flush()
            ids.append(listing.id)
        rounds.append(ids)
    # one token per request: a token's use is recorded on its row, which would queue the requests by itself
    tokens, moderator_id = [create_token(a) for _ in range(6)], a.id
    db.session.commit()
    db.session.remove()
    held = []
    for ids in rounds:
        barrier, outcome = threading.Barrier(len(ids)), []
        threads = [threading.Thread(target=_claim_in_thread, args=(app, token, lid, barrier, outcome))
                   for token, lid in zip(tokens, ids, strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        held.append(db.session.scalar(select(func.count()).select_from(Listing).where(
            Listing.id.in_(ids), Listing.claimed_by_id == moderator_id)))
        assert sorted(outcome, key=str) == [200, 200, 409, 409, 409, 409], outcome
        db.session.execute(Listing.__table__.update().where(Listing.id.in_(ids)).values(claimed_by_id=None,
                                                                                         claimed_at=None))
        db.session.commit()
    assert held == [2] * len(rounds)
