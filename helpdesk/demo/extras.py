"""The demo's app-only data, which the import format does not carry: tickets, listing reports, saved
replies, coach ratings, client balances and a few unread notifications. Added through the ORM after the
import; flushes, does not commit."""

from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from sqlalchemy import func, insert, select

from helpdesk.auth.models import User
from helpdesk.clients.coach_at import assignment_covers_sql
from helpdesk.clients.models import Assignment, CoachRating
from helpdesk.demo import phrases
from helpdesk.demo.tickets import seed_tickets
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, SavedReply, Thread, ThreadRead
from helpdesk.moderation.models import Listing, ListingReport
from helpdesk.notifications.services import notify


def _demo_users() -> dict[str, User]:
    rows = db.session.scalars(select(User).where(User.external_id.like("demo-%"))).all()
    return {u.external_id: u for u in rows}


def _current_coach_ids(now: datetime) -> dict[int, int]:
    """client id -> coach_at(client, now), for the clients with a coach now."""
    rows = db.session.execute(
        select(Assignment.client_id, Assignment.coach_id).where(assignment_covers_sql(now))).all()
    return dict(rows)


def add_extras(seed: int, scale: float, now: datetime) -> dict[str, int]:
    """Add the app-only records for the loaded demo program; return how many of each were made."""
    rng = Random(seed + 1)
    users = _demo_users()
    by_role: dict[str, list[User]] = {}
    for user in sorted(users.values(), key=lambda u: u.external_id):
        by_role.setdefault(user.role, []).append(user)
    coach_of = _current_coach_ids(now)
    counts = {
        "tickets": seed_tickets(rng, scale, now, users, by_role, coach_of),
        "listing_reports": _listing_reports(rng, scale, now, by_role),
        "saved_replies": _saved_replies(rng, by_role),
        "coach_ratings": _ratings(rng, by_role, coach_of, now),
        "balances": _balances(rng, by_role),
        "notifications": _notifications(users, now),
        "read_marks": _read_marks(),
    }
    db.session.flush()
    return counts


def _listing_reports(rng, scale, now, by_role) -> int:
    approved = db.session.scalars(
        select(Listing).where(Listing.status == "approved", Listing.external_id.like("demo-%")).order_by(Listing.id)
    ).all()
    if not approved:
        return 0
    count = min(len(approved), max(3, round(10 * scale)))
    for i, listing in enumerate(rng.sample(approved, k=count)):
        reporter = rng.choice([c for c in by_role["client"] if c.id != listing.seller_id])
        created = now - timedelta(hours=rng.uniform(1, 24 * 10))
        db.session.add(ListingReport(
            listing_id=listing.id, reporter_id=reporter.id, reason=rng.choice(phrases.REPORT_REASONS),
            created_at=created, resolved_at=created + timedelta(hours=6) if i % 3 == 2 else None))
    return count


def _saved_replies(rng, by_role) -> int:
    count = 0
    for coach in by_role["coach"]:
        chosen = phrases.SAVED_REPLIES if coach.external_id == "demo-coach" else rng.sample(
            phrases.SAVED_REPLIES, k=rng.randint(3, 5))
        for title, kind, body in chosen:
            db.session.add(SavedReply(owner_id=coach.id, title=title, kind=kind, body=body, shared=False))
            count += 1
    for leader in by_role["team_leader"]:
        for title, kind, body in phrases.TEAM_SAVED_REPLIES:
            db.session.add(SavedReply(owner_id=leader.id, title=title, kind=kind, body=body, shared=True))
            count += 1
    return count


def _ratings(rng, by_role, coach_of, now) -> int:
    count = 0
    for client in by_role["client"]:
        coach_id = coach_of.get(client.id)
        if coach_id is None or (client.external_id != "demo-client" and rng.random() > 0.6):
            continue
        stars = rng.choices((5, 4, 3, 2, 1), weights=(40, 30, 15, 10, 5))[0]
        db.session.add(CoachRating(client_id=client.id, coach_id=coach_id, stars=stars,
                                   comment=rng.choice(phrases.RATING_COMMENTS[stars]),
                                   updated_at=now - timedelta(days=rng.randint(0, 60))))
        count += 1
    return count


def _balances(rng, by_role) -> int:
    for client in by_role["client"]:
        client.balance = Decimal(rng.randint(0, 250_000)) / 100
        client.balance_visible_to_coach = client.external_id == "demo-client" or rng.random() < 0.5
    return len(by_role["client"])


def _notifications(users, now) -> int:
    """Unread notifications for demo-coach, demo-team-leader and demo-client, about their own threads."""
    coach, leader, client = users["demo-coach"], users["demo-team-leader"], users["demo-client"]
    count = 0
    # Threads of demo-coach's clients waiting now (the import kept `waiting_since` true to the wait rule).
    waiting = db.session.execute(
        select(Thread.id, Thread.subject, User.name, Thread.waiting_since).join(User, User.id == Thread.client_id)
        .join(Assignment, Assignment.client_id == Thread.client_id)
        .where(Assignment.coach_id == coach.id, assignment_covers_sql(now), Thread.waiting_since.is_not(None))
        .order_by(Thread.last_message_at.desc()).limit(3)
    ).all()
    for thread_id, subject, name, _ in waiting:
        count += notify(coach.id, "client_message", f"{name} wrote: {subject}"[:500], f"/threads/{thread_id}",
                        dedupe_key=f"demo:{thread_id}")
    if waiting:  # how long it has really waited, as the warnings job would say it
        thread_id, subject, name, since = waiting[0]
        hours = int((now - since).total_seconds() // 3600)
        count += notify(leader.id, "sla_warning", f"{name} has waited {hours} h for a reply in \u201c{subject}\u201d",
                        f"/threads/{thread_id}", dedupe_key=f"demo:{thread_id}")
    last_reply = db.session.execute(
        select(Thread.id, Thread.subject).join(Message, Message.thread_id == Thread.id)
        .where(Thread.client_id == client.id, Message.author_id != client.id)
        .order_by(Message.sent_at.desc()).limit(1)
    ).first()
    if last_reply:
        count += notify(client.id, "reply", f"Your coach replied: {last_reply.subject}"[:500],
                        f"/threads/{last_reply.id}", dedupe_key=f"demo:{last_reply.id}")
    return count


def _read_marks() -> int:
    """Everyone who wrote in a demo thread read it when they last wrote there, so "unread" means news."""
    last_written = (
        select(Message.thread_id, Message.author_id, func.max(Message.sent_at))
        .join(Thread, Thread.id == Message.thread_id)
        .where(Thread.external_id.like("demo-%"))
        .group_by(Message.thread_id, Message.author_id)
    )
    # RETURNING, not rowcount: the ORM session's INSERT ... SELECT reports -1 rows on PostgreSQL.
    stored = db.session.execute(
        insert(ThreadRead).from_select(["thread_id", "user_id", "read_at"], last_written).returning(ThreadRead.id))
    return len(stored.all())
