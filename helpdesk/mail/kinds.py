"""The kinds of notification a user may have emailed, what each is called, and who gets it by default."""

INSTANT, DIGEST, OFF = "instant", "digest", "off"
MODES = (INSTANT, DIGEST, OFF)
MODE_LABELS = {INSTANT: "Right away", DIGEST: "Daily digest", OFF: "Off"}

# kind -> (what a person calls it, the default mode). Warnings that cost pay or a client's patience come
# right away; the rest in a daily digest; nothing is sent that the user did not get in the app.
KINDS = {
    "sla_warning": ("A client waiting close to or past 24 hours", INSTANT),
    "client_message": ("A client wrote", DIGEST),
    "reply": ("Your coach replied", INSTANT),
    "audit": ("Feedback on a reply (audits)", INSTANT),
    "audit_dispute": ("Disputes of Yellow feedback", INSTANT),
    "client_assigned": ("A new client", DIGEST),
    "coach_assigned": ("A new coach", INSTANT),
    "listing_decision": ("Your marketplace listings", INSTANT),
    "ticket_new": ("New support tickets and questions", INSTANT),
    "ticket_assigned": ("Tickets assigned to you", INSTANT),
    "ticket_note": ("Replies on your tickets", INSTANT),
    "ticket_status": ("Ticket status changes", DIGEST),
}
OTHER = ("Other notices", DIGEST)


def label(kind: str) -> str:
    """What the kind is called on the settings page and in an email."""
    return KINDS.get(kind, OTHER)[0]


def default_mode(kind: str) -> str:
    """How a kind is sent to someone who never chose."""
    return KINDS.get(kind, OTHER)[1]
