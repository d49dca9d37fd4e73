"""What the demo's clients do on the platform: daily goals, surveys, profits, listings and moderation."""

from datetime import date, timedelta
from decimal import Decimal

from helpdesk.demo import phrases
from helpdesk.demo.people import Program, iso, midnight


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def make_daily_goals(p: Program) -> None:
    """A result for every client-day of the period up to yesterday; engaged clients hit more often."""
    rng, yesterday = p.rng, p.today - timedelta(days=1)
    for client in p.of_role("client"):
        for day in _days(max(p.start, client.joined_on), yesterday):
            chance = client.quality * (0.85 if day.weekday() >= 5 else 1.0)
            p.records.append({"type": "daily_goal", "client": client.id, "date": day.isoformat(),
                              "hit": rng.random() < chance})


def _month_starts(first: date, last: date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def make_surveys(p: Program) -> None:
    """Most clients answer the monthly 0-10 survey; a better coach makes happier clients."""
    rng = p.rng
    for month in _month_starts(p.start, p.today):
        following = (month + timedelta(days=32)).replace(day=1)
        for client in p.of_role("client"):
            first = max(midnight(month), midnight(client.joined_on))
            last = min(midnight(following), p.now - timedelta(hours=1))
            if last <= first or rng.random() > 0.85:
                continue
            at = first + (last - first) * rng.random()
            coach = p.coach_at(client.id, at)
            coach_quality = p.people[coach].quality if coach else 0.3
            score = round(rng.gauss(3.5 + 4.5 * coach_quality + 2.0 * client.quality, 1.6))
            p.records.append({"type": "survey", "client": client.id, "at": iso(at),
                              "score": max(0, min(10, score))})


def make_profits(p: Program) -> None:
    """Profit records every few days per client, and a monthly ad credit for many of them."""
    rng, yesterday = p.rng, p.today - timedelta(days=1)
    for client in p.of_role("client"):
        every = rng.randint(3, 9)
        typical = rng.uniform(20, 400) * (0.5 + client.quality)
        first = max(p.start, client.joined_on)
        for n, day in enumerate(_days(first, yesterday)):
            if n % every == 0:
                amount = Decimal(str(round(rng.uniform(0.4, 1.6) * typical, 2))).quantize(Decimal("0.01"))
                p.records.append({"type": "profit", "client": client.id, "date": day.isoformat(),
                                  "amount": str(amount), "kind": "profit"})
            if day.day == 1 and rng.random() < 0.6:
                p.records.append({"type": "profit", "client": client.id, "date": day.isoformat(),
                                  "amount": rng.choice(("10.00", "25.00", "50.00")), "kind": "ad_credit"})


def make_listings(p: Program) -> None:
    """Listings in every state: pending (some past 24 h), approved, rejected, and approved then later
    rejected by another moderator. Moderators are mostly the moderation-trained coaches."""
    rng, now = p.rng, p.now
    clients = p.of_role("client")
    moderators = [c.id for c in p.of_role("coach") if c.moderation_trained]
    moderators += [t.id for t in p.of_role("team_leader")][:1]
    weights = [rng.uniform(0.5, 2.0) for _ in moderators]
    count = max(12, round(1.5 * len(clients)))
    forced = ["pending", "pending_old", "pending_old", "approved", "rejected", "overturned"]
    for n in range(1, count + 1):
        state = forced[n - 1] if n <= len(forced) else rng.choices(
            ("approved", "rejected", "overturned", "pending"), weights=(62, 20, 10, 8))[0]
        if state == "pending":
            submitted = now - timedelta(hours=rng.uniform(0.5, 20))
        elif state == "pending_old":
            submitted = now - timedelta(hours=rng.uniform(26, 70))
        else:
            submitted = now - timedelta(hours=rng.uniform(48, 24 * (p.days - 2)))
        sellers = [c for c in clients if midnight(c.joined_on) < submitted] or clients
        seller = rng.choice(sellers)
        lid = f"demo-li-{n:05d}"
        p.records.append({"type": "listing", "id": lid, "seller": seller.id,
                          "title": rng.choice(phrases.LISTING_ITEMS), "submitted_at": iso(submitted),
                          "description": rng.choice(phrases.LISTING_DETAILS)})
        if state.startswith("pending"):
            continue
        first_at = submitted + timedelta(hours=rng.choice((rng.uniform(0.3, 20), rng.uniform(0.3, 30))))
        first_at = min(first_at, now - timedelta(minutes=10))
        moderator = rng.choices(moderators, weights=weights)[0]
        decision = {"type": "moderation", "listing": lid, "moderator": moderator,
                    "decision": "reject" if state == "rejected" else "approve", "at": iso(first_at)}
        if state == "rejected":
            decision["reason"] = rng.choice(phrases.REJECT_REASONS)
        p.records.append(decision)
        if state == "overturned":
            later = min(first_at + timedelta(days=rng.uniform(1, 20)), now - timedelta(minutes=5))
            other = rng.choice([m for m in moderators if m != moderator] or ["demo-admin"])
            p.records.append({"type": "moderation", "listing": lid, "moderator": other, "decision": "reject",
                              "at": iso(later), "reason": rng.choice(phrases.LATE_REJECT_REASONS)})
