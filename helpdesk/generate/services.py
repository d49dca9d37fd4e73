"""A realistic program, generated: people, assignments, conversations, daily goals, surveys, profits,
listings with their decisions, audits and vacations, over the last N months.

Every table is written with explicit ids in one pass (COPY on PostgreSQL), then the state the desk derives
from its records is rebuilt by the desk's own set-based functions (threads' waiting state, response
waits), so the generated database is what the app would hold had it lived through those months. The
numbers per scale are those of a real program (issue #15): "large" is 5,000 coaches and 250,000 clients.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.generate.copy import TableWriter, set_sequences

SCALES = {"small": dict(coaches=50, clients=2_500), "medium": dict(coaches=500, clients=25_000),
          "large": dict(coaches=5_000, clients=250_000)}

# Per client and month, unless said otherwise (fitted to the program the review measured over 3 months).
THREADS_PER_MONTH = 0.82
GOAL_DAY_SHARE = 0.30  # share of days with a recorded daily goal
SURVEY_SHARE = 0.39
PROFIT_SHARE = 0.65
LISTINGS_PER_MONTH = 0.26
AUDITED_SHARE = 0.054  # of coach replies
WORDS = ("payout fee ad platform balance campaign budget invoice refund question thanks please help account "
         "withdrawal bonus learning center option daily goal listing photo price buyer shipping").split()


class GenerateError(Exception):
    """The target cannot be filled (it already holds a program)."""


@dataclass
class Progress:
    """What was written so far, per table."""

    counts: dict[str, int] = field(default_factory=dict)


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(scale: str, months: int = 3, seed: int = 1, now: datetime | None = None,
             report: Callable[[str, int], None] = lambda table, n: None, sizes: dict | None = None) -> Progress:
    """Fill the (empty) database with a program of `scale` over the last `months` months. Flushes; the caller
    commits. `report(table, rows)` is called as each table is written; `sizes` ({"coaches", "clients"})
    overrides the scale's (tests use a tiny program)."""
    from helpdesk.audits.models import Audit
    from helpdesk.auth.models import User
    from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse, Vacation
    from helpdesk.inbox.models import Message, Thread
    from helpdesk.moderation.models import Listing, ModerationDecision

    if scale not in SCALES:
        raise GenerateError(f"scale must be one of {', '.join(SCALES)}")
    if db.session.scalar(select(func.count()).select_from(User)):
        raise GenerateError("the database already holds users; generate fills an empty database")
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start = now - timedelta(days=30 * months)
    days = (now.date() - start.date()).days
    sizes = sizes or SCALES[scale]
    progress = Progress()

    def write(model, columns, rows):
        n = TableWriter(model.__table__, columns).write(rows)
        progress.counts[model.__tablename__] = progress.counts.get(model.__tablename__, 0) + n
        report(model.__tablename__, n)

    # People: leaders lead ten coaches each; one auditor per hundred coaches.
    n_coaches, n_clients = sizes["coaches"], sizes["clients"]
    n_leaders, n_auditors, n_support = max(1, n_coaches // 10), max(2, n_coaches // 100), max(1, n_coaches // 250)
    ids = iter(range(1, 10**9))
    leaders = [next(ids) for _ in range(n_leaders)]
    coaches = [next(ids) for _ in range(n_coaches)]
    auditors = [next(ids) for _ in range(n_auditors)]
    support = [next(ids) for _ in range(n_support)]
    admin = next(ids)
    clients = [next(ids) for _ in range(n_clients)]
    trained = set(coaches[::3])
    user_cols = ("id", "external_id", "role", "name", "email", "active", "created_at", "reports_to_id",
                 "moderation_trained", "joined_on", "balance", "balance_visible_to_coach")

    def users():
        for role, group in (("team_leader", leaders), ("coach", coaches), ("auditor", auditors),
                            ("support", support), ("admin", [admin])):
            for i, uid in enumerate(group):
                lead = leaders[i // 10 % n_leaders] if role == "coach" else None
                yield (uid, f"gen-{role}-{uid}", role, f"{role.replace('_', ' ').title()} {uid}",
                       f"{role}-{uid}@program.example", True, start, lead, uid in trained, None, None, False)
        for uid in clients:
            joined = now.date() - timedelta(days=rng.randrange(20, 730))
            balance = Decimal(rng.randrange(0, 500_000)) / 100
            yield (uid, f"gen-client-{uid}", "client", f"Client {uid}", None, True, start, None, False, joined,
                   balance, rng.random() < 0.4)
    write(User, user_cols, users())

    # Assignments: each client with one coach; one in twenty changed coach half-way.
    coach_of: dict[int, list[tuple[int, datetime, datetime | None]]] = {}

    def assignments():
        aid = 0
        for i, client in enumerate(clients):
            first = coaches[i % n_coaches]
            since = start - timedelta(days=400)
            if rng.random() < 0.05:
                switch = start + timedelta(days=rng.randrange(1, days))
                second = coaches[(i + 1) % n_coaches]
                coach_of[client] = [(first, since, switch), (second, switch, None)]
            else:
                coach_of[client] = [(first, since, None)]
            for coach, begins, ends in coach_of[client]:
                aid += 1
                yield (aid, client, coach, begins, ends)
    write(Assignment, ("id", "client_id", "coach_id", "starts_at", "ends_at"), assignments())

    def coach_at(client: int, t: datetime) -> int:
        for coach, begins, ends in coach_of[client]:
            if begins <= t and (ends is None or t < ends):
                return coach
        return coach_of[client][-1][0]

    write(Vacation, ("id", "coach_id", "starts_on", "ends_on", "created_at"),
          ((k + 1, c, d, d + timedelta(days=4), start) for k, c in enumerate(coaches[::10])
           for d in [start.date() + timedelta(days=rng.randrange(0, max(1, days - 5)))]))

    # Conversations: a client asks, the coach answers (mostly within the 9 h target, a few past 24 h);
    # about one thread in seven still waits for its answer. Each client's conversations come from a
    # generator seeded by the client, so threads and then messages are written in two streaming passes
    # that draw the very same conversations, and nothing is held in memory.
    def conversations():
        tid = mid = 0
        for client in clients:
            crng = random.Random(seed * 1_000_003 + client)
            for _ in range(_poisson(crng, THREADS_PER_MONTH * months)):
                tid += 1
                t = start + timedelta(seconds=crng.randrange(0, days * 86_400))
                thread = (tid, client, _text(crng, 4).capitalize(), t)
                messages = []
                turns = crng.choice((1, 1, 2, 2, 2, 3))
                for turn in range(turns):
                    if t > now:
                        break
                    mid += 1
                    messages.append((mid, tid, client, t, _text(crng, 14), False))
                    if turn == turns - 1 and crng.random() < 0.15:
                        break
                    hours = crng.choice((0.5, 1, 2, 3, 5, 7, 8.5)) if crng.random() < 0.8 else crng.uniform(9, 30)
                    t = t + timedelta(hours=hours)
                    if t > now:
                        break
                    mid += 1
                    messages.append((mid, tid, coach_at(client, t), t, _text(crng, 20), crng.random() < AUDITED_SHARE))
                    t = t + timedelta(hours=crng.uniform(2, 96))
                yield thread, messages

    write(Thread, ("id", "client_id", "subject", "created_at"), (thread for thread, _ in conversations()))
    audited: list[tuple[int, int, datetime]] = []

    def messages():
        for _, rows in conversations():
            for mid, tid, author, t, body, sampled in rows:
                if sampled:
                    audited.append((mid, author, t))
                yield (mid, tid, author, t, body)
    write(Message, ("id", "thread_id", "author_id", "sent_at", "body"), messages())
    write(Audit, ("id", "message_id", "coach_id", "auditor_id", "color", "comment", "at"),
          ((k + 1, mid, coach, auditors[k % n_auditors], color, None if color == "green" else _text(rng, 8),
            at + timedelta(hours=2))
           for k, (mid, coach, at) in enumerate(audited)
           for color in [rng.choices(("green", "blue", "yellow"), (70, 20, 10))[0]]))

    def goals():
        gid = 0
        first = start.date()
        for client in clients:
            for d in range(days):
                if rng.random() < GOAL_DAY_SHARE:
                    gid += 1
                    yield (gid, client, first + timedelta(days=d), rng.random() < 0.6)
    write(DailyGoal, ("id", "client_id", "date", "hit"), goals())

    month_starts = [(start + timedelta(days=30 * m)).date() for m in range(months)]
    write(SurveyResponse, ("id", "client_id", "at", "score"),
          ((k + 1, c, datetime.combine(m + timedelta(days=rng.randrange(0, 28)), time(12), tzinfo=UTC),
            rng.choices(range(11), (1, 1, 1, 2, 2, 4, 5, 8, 14, 16, 12))[0])
           for k, (c, m) in enumerate((c, m) for c in clients for m in month_starts if rng.random() < SURVEY_SHARE)))
    write(ProfitRecord, ("id", "client_id", "date", "amount", "kind", "created_at"),
          ((k + 1, c, m + timedelta(days=27), Decimal(rng.randrange(-20_000, 400_000)) / 100,
            "profit" if rng.random() < 0.85 else "ad_credit", now)
           for k, (c, m) in enumerate((c, m) for c in clients for m in month_starts if rng.random() < PROFIT_SHARE)))

    # Listings: most decided by a trained coach (a few rejected, a few approvals overturned); the newest wait.
    moderators = sorted(trained)
    decision_rows = []

    def listings():
        lid = did = 0
        for client in clients:
            for _ in range(_poisson(rng, LISTINGS_PER_MONTH * months)):
                lid += 1
                submitted = start + timedelta(seconds=rng.randrange(0, days * 86_400))
                decided = submitted + timedelta(hours=rng.uniform(0.5, 30))
                status, first = "pending", None
                if decided < now:
                    verdict = "approve" if rng.random() < 0.85 else "reject"
                    did += 1
                    moderator = rng.choice(moderators)
                    decision_rows.append((did, lid, moderator, verdict, decided,
                                          None if verdict == "approve" else "Prohibited item"))
                    status, first = ("approved" if verdict == "approve" else "rejected"), decided
                    if verdict == "approve" and rng.random() < 0.02 and decided + timedelta(days=2) < now:
                        did += 1
                        decision_rows.append((did, lid, rng.choice(moderators), "reject", decided + timedelta(days=2),
                                              "Misleading"))
                        status = "rejected"
                yield (lid, client, _text(rng, 3).title(), _text(rng, 12), submitted, status, first)
    write(Listing, ("id", "seller_id", "title", "description", "submitted_at", "status", "first_decision_at"),
          listings())
    write(ModerationDecision, ("id", "listing_id", "moderator_id", "decision", "at", "reason"), iter(decision_rows))

    set_sequences([User.__table__, Assignment.__table__, Vacation.__table__, Thread.__table__, Message.__table__,
                   Audit.__table__, DailyGoal.__table__, SurveyResponse.__table__, ProfitRecord.__table__,
                   Listing.__table__, ModerationDecision.__table__])
    derive_state(report)
    return progress


def derive_state(report: Callable[[str, int], None] = lambda table, n: None) -> None:
    """Rebuild what the desk derives from its records, with the desk's own set-based functions."""
    from helpdesk.inbox.thread_state import refresh_thread_state
    from helpdesk.sla.services import recompute_waits

    refresh_thread_state(None)
    report("threads (waiting state)", 0)
    result = recompute_waits()
    report("response_waits", int(result.get("waits", 0)) if isinstance(result, dict) else 0)


def _poisson(rng: random.Random, mean: float) -> int:
    """A small Poisson draw (Knuth), for counts per client."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1

