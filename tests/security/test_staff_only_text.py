"""Staff-only text never reaches a client: unique markers planted in an audit comment, a communication note,
an internal ticket note and a moderator's note are absent from everything a client can fetch: every page
and API route the access table opens to clients (with the client's own ids, and with the marker as a
search), its notifications, and the exports."""

from helpdesk.audits.area import add_note
from helpdesk.audits.feedback import create_audit
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.moderation.models import Listing
from helpdesk.moderation.services import claim_listing, decide
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.services import add_note as add_ticket_note
from helpdesk.types import utcnow
from tests.security.test_access_matrix import VIEW, parse_table
from tests.security.world import MONTH, build_world

MARKERS = {
    "audit": "ZQX-AUDIT-COMMENT-4471",
    "communication": "ZQX-COMMUNICATION-NOTE-8823",
    "ticket": "ZQX-INTERNAL-TICKET-NOTE-1930",
    "moderation": "ZQX-MODERATOR-NOTE-6652",
}


def plant_markers(world):
    """Write each marker where only staff may read it, on team A's objects (the signed-in client's own)."""
    users = world.users
    reply = db.session.get(Message, world.ids["message:A"])
    create_audit(users["admin"], reply, "blue", f"Staff only: {MARKERS['audit']}", at=utcnow())
    add_note(users["auditor"], reply.thread, f"Staff only: {MARKERS['communication']}")
    add_ticket_note(users["support"], db.session.get(Ticket, world.ids["ticket:A"]), f"Internal: {MARKERS['ticket']}")
    listing = db.session.get(Listing, world.ids["listing:A"])
    claim_listing(users["admin"], listing)
    decide(users["admin"], listing, "reject", "Prohibited item", f"Moderators only: {MARKERS['moderation']}")
    db.session.flush()


def test_no_staff_only_text_in_anything_a_client_can_fetch(app, create_user, create_coach, create_client,
                                                          create_thread, create_message):
    from tests.conftest import AuthActions

    world = build_world(create_user, create_coach, create_client, create_thread, create_message)
    plant_markers(world)
    client = app.test_client()
    AuthActions(client).login(world.users["client"])

    fetched = []
    for route in parse_table():
        if route.method != "GET" or not (route.who == "public" or "client" in route.who):
            continue
        values = {}
        for argument, kind in route.args:
            own = VIEW[kind].get("client", (None, None))[0] if kind != "month" else None
            values[argument] = MONTH if kind == "month" else world.ids.get(f"{kind}:{own}")
        if None in values.values():
            continue  # a kind of object no client owns (its refusals are the access matrix's)
        with app.test_request_context():
            from flask import url_for

            url = url_for(route.endpoint, **values)
        for query in ("", "?q=ZQX", "?q=Staff+only", "?view=all&status=rejected"):
            response = client.get(url + query)
            fetched.append(url + query)
            body = response.get_data().decode("utf-8", "replace")  # photos are bytes
            for where, marker in MARKERS.items():
                assert marker not in body, f"the {where} marker reached a client through {url + query}"
    assert len(fetched) > 40
    # The client was told of the rejection (the reason), so the notification path was exercised.
    notes = client.get("/notifications/").get_data(as_text=True)
    assert "Prohibited item" in notes or "not approved" in notes.lower()


def test_no_staff_only_text_in_any_email_to_a_client(app, tmp_path, create_user, create_coach, create_client,
                                                     create_thread, create_message):
    from helpdesk.mail import services as mail
    from helpdesk.mail.transport import FileTransport

    world = build_world(create_user, create_coach, create_client, create_thread, create_message)
    world.users["client"].email = "kai@example.test"
    plant_markers(world)
    for kind in ("listing_decision", "reply", "coach_assigned"):
        mail.set_mode(world.users["client"], kind, "instant")
    mail.queue_instant()
    mail.queue_digests(utcnow().date())
    mail.deliver_queued(FileTransport(tmp_path))
    emails = [p.read_text() for p in tmp_path.glob("*.eml") if "kai@example.test" in p.read_text()]
    assert emails, "the client was sent no email, so nothing was checked"
    for text in emails:
        for where, marker in MARKERS.items():
            assert marker not in text, f"the {where} marker reached a client in an email"
