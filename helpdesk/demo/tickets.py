"""The demo's support tickets and questions, dated relative to `now`, made through the tickets services so
their timelines, clocks and notifications are what real use leaves behind: a ticket in every status (the
demo coach has one of each), an overdue one with no first response, a merged pair, screenshots, desk links,
and questions to the team leader open, answered and escalated. Flushes, does not commit."""

import io
import re
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from helpdesk.demo import phrases
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.tickets import flow, merging, questions, services
from helpdesk.tickets.attachments import add_attachment, add_to_question
from helpdesk.tickets.models import CATEGORIES

# The path each target status takes from new, and who makes each move.
PATHS = {
    "new": (),
    "triaged": (("triaged", "leader"),),
    "in_progress": (("triaged", "leader"), ("in_progress", "support")),
    "waiting_on_coach": (("triaged", "leader"), ("in_progress", "support"), ("waiting_on_coach", "support")),
    "resolved": (("triaged", "leader"), ("in_progress", "support"), ("resolved", "support")),
    "closed": (("triaged", "leader"), ("in_progress", "support"), ("resolved", "support"), ("closed", None)),
}
STATUS_CYCLE = ("new", "triaged", "in_progress", "waiting_on_coach", "resolved", "closed")


def screenshot(text: str, color=(220, 60, 60)) -> bytes:
    """A small PNG 'screenshot' with an error banner, so the demo's tickets have real images."""
    image = Image.new("RGB", (480, 200), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 480, 36), fill=color)
    draw.text((12, 12), "Error", fill=(255, 255, 255))
    draw.text((12, 70), text[:70], fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _where(place: str) -> str:
    """The place on the client's selling platform (not the desk), as the coach would paste its link."""
    return "https://platform.example/" + "/".join(re.sub(r"[^a-z0-9]+", "-", part.strip().lower()).strip("-") for part in place.split(">"))


def _thread_link(client_id: int) -> str | None:
    thread_id = db.session.scalar(select(Thread.id).where(Thread.client_id == client_id).order_by(Thread.id).limit(1))
    return f"/threads/{thread_id}" if thread_id else None


def _walk(ticket, target: str, leader, support, start: datetime, rng) -> None:
    """Move a new ticket along its path to `target`, an hour or more per step, replying where support would."""
    at = start
    for to, who in PATHS[target]:
        at += timedelta(hours=rng.uniform(1, 10))
        if to == "in_progress":
            services.update_ticket(leader, ticket, {"assignee_id": support.id, "category": rng.choice(CATEGORIES)})
            services.add_note(support, ticket, rng.choice(phrases.TICKET_NOTES), now=at)
        if to == "closed" and who is None:
            at = ticket.resolved_at + timedelta(days=flow.AUTO_CLOSE_DAYS, minutes=5)
            flow.close_stale_resolved(at)
            continue
        flow.move(ticket, to, leader if who == "leader" else support, at)
        if to == "waiting_on_coach":
            services.add_note(support, ticket, "Could you ask the client for the order number?", now=at)


def seed_tickets(rng, scale, now, users, by_role, coach_of) -> int:
    """Add the demo's tickets and questions; return how many tickets were made."""
    support, leader = users["demo-support"], users["demo-team-leader"]
    demo_coach = users["demo-coach"]
    clients_of: dict[int, list] = {}
    for client in by_role["client"]:
        if client.id in coach_of:
            clients_of.setdefault(coach_of[client.id], []).append(client)
    coaches = [c for c in by_role["coach"] if c.reports_to_id] or [demo_coach]
    count = max(len(STATUS_CYCLE) + 2, round(16 * scale))
    made = []
    for n in range(count):
        reporter = demo_coach if n < len(STATUS_CYCLE) + 2 else rng.choice(coaches)
        target = STATUS_CYCLE[n % len(STATUS_CYCLE)]
        # the closed ones were resolved over a week ago; the rest are recent, so nothing auto-closes at once
        age = timedelta(days=rng.uniform(12, 25)) if target == "closed" else timedelta(hours=rng.uniform(2, 24 * 5))
        if n == 0:
            age = timedelta(hours=30)  # new, and past the 24 h first-response limit: the overdue one
        created = now - age
        client = rng.choice(clients_of.get(reporter.id) or by_role["client"])
        title, place, priority = phrases.TICKETS[n % len(phrases.TICKETS)]
        link = _thread_link(client.id)
        ticket = services.file_ticket(
            reporter, who=client.name, who_ids=[client.id], client_id=None,
            what=f"{title}. The client reported it in their thread; steps below.\n1. Open the page\n2. See the error",
            where=_where(place), when=created - timedelta(hours=rng.uniform(1, 48)), priority=priority,
            now=created, links=[link] if link else [], times_seen=rng.randint(1, 4),
            still_happening=target not in ("resolved", "closed"))
        if n % 3 == 0:
            add_attachment(reporter, ticket, "screenshot.png", "image/png", screenshot(title))
        team_leader = reporter.reports_to or leader
        _walk(ticket, target, team_leader, support, created, rng)
        made.append(ticket)
    # A merged pair: the demo coach reported the payout problem twice.
    first, again = made[1], services.file_ticket(
        demo_coach, who=made[1].who, what=made[1].what, where=made[1].where, when=made[1].when,
        now=made[1].created_at + timedelta(hours=3), times_seen=1, still_happening=True)
    add_attachment(demo_coach, again, "same-error.png", "image/png", screenshot("Payout failed", (200, 120, 0)))
    services.add_note(leader, again, "Same problem as the earlier ticket; merging.", internal=True,
                      now=again.created_at + timedelta(hours=1))
    merging.merge(leader, again, first, now=again.created_at + timedelta(hours=1))
    _questions(demo_coach, leader, now)
    db.session.flush()
    return count + 1


def _questions(coach, leader, now: datetime) -> None:
    """Three questions from the demo coach: one waiting, one answered in place, one escalated into a ticket."""
    questions.ask(coach, "A client says the shop logo looks blurry after upload. Is that a bug or just the "
                         "image they used? Should I file a ticket?", now=now - timedelta(hours=3))
    answered = questions.ask(coach, "Do refunds for double-charged label fees need a ticket, or can I tell the "
                                    "client to wait for the next statement?", now=now - timedelta(days=2))
    questions.answer(leader, answered, "No ticket needed: billing corrects those on the next statement "
                                       "automatically. Tell the client it shows within 5 days.",
                     now=now - timedelta(days=2) + timedelta(hours=2))
    escalated = questions.ask(coach, "Two of my clients see 'payout method invalid' since yesterday although "
                                     "nothing changed. Worth a ticket?", now=now - timedelta(days=1))
    add_to_question(coach, escalated, [("payout-error.png", screenshot("Payout method invalid"))])
    questions.escalate(leader, escalated, now=now - timedelta(hours=20))
