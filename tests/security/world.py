"""A small desk for the access matrix: two teams, one object of every kind in each, and staff.

Team A (leader Lena, coaches Ada and Abe, client Kai) and team B (leader Lars, coach Bea, client Kim). Every
object a URL can name exists once in each team, so each role has one it may see ("own") and, where its
view is limited, one it may not ("foreign").
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.types import utcnow

MONTH = "2026-11"
ROLES = ("client", "coach", "team_leader", "auditor", "support", "admin")


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)  # role -> the user signed in as that role
    ids: dict[str, int] = field(default_factory=dict)  # "thread:A" -> id


def build_world(create_user, create_coach, create_client, create_thread, create_message) -> World:
    """Store the desk and return the users each role signs in as, and the ids of every object."""
    from helpdesk.audits import feedback
    from helpdesk.audits.models import AuditSample
    from helpdesk.calibration import services as calibration
    from helpdesk.inbox.coverage import add_vacation
    from helpdesk.inbox.saved_replies import create_saved_reply
    from helpdesk.jobs import OutboxJob
    from helpdesk.moderation.listings import create_listing
    from helpdesk.notifications.models import Notification
    from helpdesk.tickets import attachments as ticket_files
    from helpdesk.tickets.attachments import add_to_question
    from helpdesk.tickets.questions import ask
    from helpdesk.tickets.services import file_ticket

    w = World()
    now = utcnow()
    lead_a = create_user("team_leader", name="Lena Lead")
    lead_b = create_user("team_leader", name="Lars Lead")
    coach_a = create_coach(team_leader=lead_a, name="Ada Coach", moderation_trained=True)
    create_coach(team_leader=lead_a, name="Abe Coach")
    coach_b = create_coach(team_leader=lead_b, name="Bea Coach", moderation_trained=True)
    client_a = create_client(coach=coach_a, name="Kai Client")
    client_b = create_client(coach=coach_b, name="Kim Client")
    auditor = create_user("auditor", name="Aldo Auditor")
    create_user("auditor", name="Alma Auditor")  # calibration items need as many auditors as reviews
    support = create_user("support", name="Sue Support")
    admin = create_user("admin", name="Ann Admin")
    spare = create_user("coach", name="Spare Coach")
    w.users = {"client": client_a, "coach": coach_a, "team_leader": lead_a, "auditor": auditor,
               "support": support, "admin": admin}
    w.ids["user:spare"] = spare.id
    w.ids["client:A"], w.ids["client:B"] = client_a.id, client_b.id

    for team, client, coach in (("A", client_a, coach_a), ("B", client_b, coach_b)):
        thread = create_thread(client, subject=f"Question {team}")
        create_message(thread, client, sent_at=now - timedelta(hours=5), body="How do I start?")
        reply = create_message(thread, coach, sent_at=now - timedelta(hours=4), body="Like this.")
        w.ids[f"thread:{team}"], w.ids[f"message:{team}"] = thread.id, reply.id
        audit = feedback.create_audit(auditor, reply, "yellow", "Say where the button is.",
                                      at=now - timedelta(hours=3))
        w.ids[f"audit:{team}"] = audit.id
        sample = AuditSample(message_id=reply.id, coach_id=coach.id, sample_day=now.date())
        db.session.add(sample)
        listing = create_listing(client, f"Bike {team}", "A good bike", "25.00", "other", [PNG],
                                 now=now - timedelta(hours=2))
        db.session.flush()
        w.ids[f"queue_item:{team}"], w.ids[f"listing:{team}"] = sample.id, listing.id
        w.ids[f"image:{team}"] = listing.images[0].id
        question = ask(coach, f"Does this need a ticket, team {team}?")
        add_to_question(coach, question, [("shot.png", PNG)])
        db.session.flush()
        w.ids[f"question:{team}"], w.ids[f"question_attachment:{team}"] = question.id, question.attachments[0].id
        ticket = file_ticket(coach, who=client.name, what="The page shows an error.", where="/billing")
        attachment = ticket_files.add_attachment(coach, ticket, "shot.png", "image/png", PNG)
        w.ids[f"ticket:{team}"], w.ids[f"attachment:{team}"] = ticket.id, attachment.id
        w.ids[f"vacation:{team}"] = add_vacation(coach, date.today() + timedelta(days=30),
                                                 date.today() + timedelta(days=31)).id
        w.ids[f"api_vacation:{team}"] = add_vacation(coach, date.today() + timedelta(days=50),
                                                     date.today() + timedelta(days=51)).id
        w.ids[f"saved_reply:{team}"] = create_saved_reply(coach, f"Hello {team}", "Hello there").id
    item_a = calibration.mark(lead_a, db.session.get(type(reply), w.ids["message:A"]), 2)
    item_b = calibration.mark(lead_b, db.session.get(type(reply), w.ids["message:B"]), 2)
    w.ids["calibration:A"], w.ids["calibration:B"] = item_a.id, item_b.id
    w.ids["vacation:TL"] = add_vacation(lead_a, date.today() + timedelta(days=40), date.today() + timedelta(days=41)).id
    w.ids["api_vacation:TL"] = add_vacation(lead_a, date.today() + timedelta(days=60),
                                            date.today() + timedelta(days=61)).id
    w.ids["saved_reply:TL"] = create_saved_reply(lead_a, "Team hello", "Hello from the lead").id
    for role, user in list(w.users.items()) + [("other", coach_b)]:
        note = Notification(user_id=user.id, kind="info", text=f"For {user.name}", link="/")
        job = OutboxJob(name="workers.rankings.compute_month", args=["2026-11"], status="finished",
                        requested_by_id=user.id)
        db.session.add_all([note, job])
        db.session.flush()
        w.ids[f"notification:{role}"], w.ids[f"job:{role}"] = note.id, job.id
    from helpdesk.rankings.snapshot import compute_snapshot, switch_to

    switch_to(compute_snapshot(MONTH))
    from helpdesk.mail.services import unsubscribe_token

    w.ids["unsubscribe:A"] = unsubscribe_token(coach_a.id, "client_message")
    # A live listing's photo, which anyone (signed in or not) may fetch.
    live = create_listing(client_a, "Lamp", "A desk lamp", "9.50", "other", [PNG])
    live.status = "approved"
    db.session.flush()
    w.ids["image:public"] = live.images[0].id
    # Routes that a role may not use at all are tried with team A's object of each kind.
    w.ids["user:A"] = spare.id
    w.ids["notification:A"], w.ids["job:A"] = w.ids["notification:coach"], w.ids["job:coach"]
    db.session.flush()
    return w


# A real 8x8 PNG (Pillow checks photos by their content).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc0000001449444154789c633c2127c7800d30"
    "61151db41200d0ca01143e63a8990000000049454e44ae426082"
)
