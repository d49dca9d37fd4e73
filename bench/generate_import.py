"""Write a large, realistic import file (import-format.md): a program's coaches, clients and their history.

    python bench/generate_import.py --lines 1000000 --out /tmp/program.jsonl[.gz]

Deterministic for a given --seed. Each client brings about a hundred lines: assignments (some clients
change coach), threads of questions and answers, audits of coach replies, daily goals, surveys,
profits, a listing with its moderation decisions; coaches take vacations.
"""

import argparse
import gzip
import json
import random
from datetime import UTC, date, datetime, timedelta

QUESTIONS = [
    "How do I pay the ad platform fee this month?",
    "My listing has been pending for two days, is something wrong with it?",
    "I missed my daily goal again, what should I focus on tomorrow?",
    "Can I change the photos on a listing after it was approved?",
    "Why was my ad credit lower than last month?",
    "Is there a Learning Center article about pricing second-hand furniture?",
    "A buyer asked for a refund outside the platform, what do I do?",
    "How are the monthly profits calculated?",
]
ANSWERS = [
    "There are three options: card, bank transfer or the balance on your account. The Learning Center has a "
    "short guide.",
    "Thanks for waiting. The listing was missing a category; I added it and it is back in the queue.",
    "Let's pick one small goal: two new listings before noon. I'll check in with you tomorrow.",
    "Yes, edit the listing and save; the new photos go through a quick review.",
    "Ad credit follows last month's sales; your sales dipped in week three, so the credit is smaller.",
    "Here is the article on pricing: start ten percent under new and adjust after a week.",
    "Never refund outside the platform. Open a dispute from the order page and I'll follow it.",
    "Profits are sales minus fees and ad spend, summed per calendar month.",
]
TITLES = ["Oak dining table", "Vintage road bike", "Children's books, 20 pieces", "Espresso machine",
          "Winter jacket, size M", "Garden tools set", "Desk lamp", "Board games bundle"]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(lines: int, seed: int = 1, first_client: int = 1):
    """Yield about `lines` JSON lines (never more), references always after what they point to.

    Clients are numbered from `first_client`: a second file with a higher first client brings new clients
    (and the same staff lines, which an import into the first file's database skips)."""
    rng = random.Random(seed)
    count = 0

    def emit(obj):
        nonlocal count
        count += 1
        return json.dumps(obj, separators=(",", ":"))

    start = datetime(2025, 1, 1, tzinfo=UTC)
    leaders = [f"tl-{i}" for i in range(1, 6)]
    coaches = [f"co-{i}" for i in range(1, 41)]
    auditors = [f"au-{i}" for i in range(1, 6)]
    for ext in leaders:
        yield emit({"type": "user", "id": ext, "role": "team_leader", "name": f"Leader {ext}",
                    "email": f"{ext}@desk.example"})
    for i, ext in enumerate(coaches):
        yield emit({"type": "user", "id": ext, "role": "coach", "name": f"Coach {ext}", "email": f"{ext}@desk.example",
                    "reports_to": leaders[i % len(leaders)], "moderation_trained": i % 3 == 0})
    for ext in auditors:
        yield emit({"type": "user", "id": ext, "role": "auditor", "name": f"Auditor {ext}"})
    yield emit({"type": "user", "id": "su-1", "role": "support", "name": "Sam Support"})
    for i, ext in enumerate(coaches):
        first = date(2025, 3, 1) + timedelta(days=7 * i)
        yield emit({"type": "vacation", "coach": ext, "from": first.isoformat(),
                    "to": (first + timedelta(days=4)).isoformat()})

    n = first_client - 1
    while count < lines - 120:
        n += 1
        client = f"cl-{n}"
        joined = start + timedelta(days=rng.randrange(0, 300))
        yield emit({"type": "user", "id": client, "role": "client", "name": f"Client {n}",
                    "joined_on": joined.date().isoformat()})
        coach = rng.choice(coaches)
        if rng.random() < 0.3:
            switch = joined + timedelta(days=rng.randrange(20, 90))
            yield emit({"type": "assignment", "client": client, "coach": coach, "from": _ts(joined),
                        "to": _ts(switch)})
            coach = rng.choice(coaches)
            yield emit({"type": "assignment", "client": client, "coach": coach, "from": _ts(switch), "to": None})
        else:
            yield emit({"type": "assignment", "client": client, "coach": coach, "from": _ts(joined), "to": None})
        for t in range(4):
            thread = f"th-{n}-{t}"
            topic = rng.randrange(len(QUESTIONS))
            yield emit({"type": "thread", "id": thread, "client": client, "subject": QUESTIONS[topic][:60]})
            moment = joined + timedelta(days=rng.randrange(1, 200), hours=rng.randrange(0, 24))
            for k in range(rng.randrange(4, 13)):
                by_client = k % 2 == 0
                moment += timedelta(minutes=rng.randrange(5, 60 * 30))
                message = f"m-{n}-{t}-{k}"
                body = QUESTIONS[topic] if by_client else ANSWERS[topic]
                yield emit({"type": "message", "id": message, "thread": thread,
                            "author": client if by_client else coach, "sent_at": _ts(moment), "body": body})
                if not by_client and rng.random() < 0.08:
                    yield emit({"type": "audit", "id": f"a-{message}", "message": message,
                                "auditor": rng.choice(auditors), "color": rng.choice(["green", "blue", "yellow"]),
                                "at": _ts(moment + timedelta(days=1)), "comment": "Link the Learning Center article."})
        day = joined.date()
        for d in range(40):
            yield emit({"type": "daily_goal", "client": client, "date": (day + timedelta(days=d)).isoformat(),
                        "hit": rng.random() < 0.6})
        for s in range(3):
            yield emit({"type": "survey", "client": client, "at": _ts(joined + timedelta(days=30 * (s + 1))),
                        "score": rng.randrange(0, 11)})
        for p in range(6):
            yield emit({"type": "profit", "client": client, "date": (day + timedelta(days=15 * p)).isoformat(),
                        "amount": f"{rng.randrange(500, 50000) / 100:.2f}",
                        "kind": "profit" if p % 3 else "ad_credit"})
        listing = f"li-{n}"
        submitted = joined + timedelta(days=rng.randrange(1, 60))
        yield emit({"type": "listing", "id": listing, "seller": client, "title": rng.choice(TITLES),
                    "submitted_at": _ts(submitted), "description": "Good condition, pick-up only."})
        moderator = rng.choice(coaches[::3])
        decision = "approve" if rng.random() < 0.8 else "reject"
        yield emit({"type": "moderation", "listing": listing, "moderator": moderator, "decision": decision,
                    "at": _ts(submitted + timedelta(hours=rng.randrange(1, 40))), "reason": None})
        if decision == "approve" and rng.random() < 0.1:
            yield emit({"type": "moderation", "listing": listing, "moderator": "su-1", "decision": "reject",
                        "at": _ts(submitted + timedelta(days=3)), "reason": "Prohibited item."})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-client", type=int, default=1, help="number of the first client (cl-N)")
    parser.add_argument("--out", required=True, help="output path; .gz is compressed")
    args = parser.parse_args()
    write(args.out, args.lines, args.seed, args.first_client)


def write(path: str, lines: int, seed: int = 1, first_client: int = 1) -> int:
    """Write the file; return how many lines it has."""
    opener = gzip.open if path.endswith(".gz") else open
    written = 0
    with opener(path, "wt", encoding="utf-8") as out:
        for line in generate(lines, seed, first_client):
            out.write(line + "\n")
            written += 1
    return written


if __name__ == "__main__":
    main()
