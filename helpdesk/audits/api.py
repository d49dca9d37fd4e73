"""API of auditing (staff only; a client gets 403 from every endpoint)."""

from flask_login import current_user
from flask_smorest import Blueprint

from helpdesk.audits import disputes, feedback, listing, queue
from helpdesk.audits.area import add_note, communication_area
from helpdesk.audits.feedback import yellow_clock
from helpdesk.audits.schemas import (
    ActionInSchema,
    AuditInSchema,
    AuditListArgsSchema,
    AuditSchema,
    CommunicationSchema,
    DisputeInSchema,
    NoteInSchema,
    NoteSchema,
    QueueArgsSchema,
    QueueItemSchema,
    ResolveInSchema,
)
from helpdesk.audits.services import get_audit, get_message, get_thread
from helpdesk.auth.permissions import roles_required
from helpdesk.extensions import db
from helpdesk.types import utcnow

blp = Blueprint("audits_api", __name__, url_prefix="/api/v1", description="Audits (staff only)")

NOTE_ROLES = ("coach", "team_leader", "auditor", "admin")
VIEW_ROLES = ("coach", "team_leader", "auditor", "support", "admin")


def with_clock(audit, now=None):
    """The audit with its 24 h clock fields set for the schema."""
    clock = yellow_clock(audit, now)
    audit.state = clock.state or None
    audit.seconds_left, audit.overdue_seconds, audit.taken_seconds = (
        clock.seconds_left, clock.overdue_seconds, clock.taken_seconds)
    return audit


@blp.route("/audits")
@roles_required("coach", "team_leader", "auditor", "admin")
@blp.arguments(AuditListArgsSchema, location="query")
@blp.response(200, AuditSchema(many=True))
def list_audits(args):
    """The caller's Audits view: a coach's own, a team leader's team's; filters color, state, coach_id, month."""
    now = utcnow()
    return [with_clock(a, now) for a in listing.list_audits(current_user, now=now, **args)]


@blp.route("/audits/queue")
@roles_required("auditor", "admin")
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueItemSchema(many=True))
def get_queue(args):
    """Sample items not yet audited that are free or claimed by the caller; filters coach_id, day."""
    return queue.open_items(current_user, args["coach_id"], args["day"])


@blp.route("/audits/queue/<int:item_id>/claim", methods=["POST"])
@roles_required("auditor", "admin")
@blp.response(200, QueueItemSchema)
def claim(item_id):
    """Claim a sample item; 409 if another auditor has it."""
    item = queue.claim(current_user, item_id)
    db.session.commit()
    return item


@blp.route("/messages/<int:message_id>/audits", methods=["POST"])
@roles_required("auditor", "admin")
@blp.arguments(AuditInSchema)
@blp.response(201, AuditSchema)
def create(data, message_id):
    """Audit a coach's reply: {"color": "green|blue|yellow", "comment": ...} (comment required for blue, yellow)."""
    message = get_message(current_user, message_id)
    audit = feedback.create_audit(current_user, message, data["color"], data.get("comment"))
    db.session.commit()
    return with_clock(audit)


@blp.route("/threads/<int:thread_id>/communication")
@roles_required(*VIEW_ROLES)
@blp.response(200, CommunicationSchema)
def communication(thread_id):
    """The coach communication area of a thread: coaches who wrote, audits, notes."""
    thread = get_thread(current_user, thread_id)
    area = communication_area(current_user, thread)
    now = area["now"]
    return {"thread_id": thread.id, "coaches": area["coaches"], "notes": area["notes"],
            "audits": [with_clock(a, now) for a in area["audits"]]}


@blp.route("/threads/<int:thread_id>/communication", methods=["POST"])
@roles_required(*NOTE_ROLES)
@blp.arguments(NoteInSchema)
@blp.response(201, NoteSchema)
def post_note(data, thread_id):
    """Add a note to the conversation between coaches, auditors and team leaders."""
    thread = get_thread(current_user, thread_id)
    note = add_note(current_user, thread, data["body"])
    db.session.commit()
    return note


@blp.route("/audits/<int:audit_id>/action", methods=["POST"])
@roles_required("coach")
@blp.arguments(ActionInSchema)
@blp.response(200, AuditSchema)
def action(data, audit_id):
    """The audited coach links their better reply to a Yellow: {"message_id": ...}."""
    audit = get_audit(current_user, audit_id)
    feedback.act_on_yellow(current_user, audit, data["message_id"], data.get("note"))
    db.session.commit()
    return with_clock(audit)


@blp.route("/audits/<int:audit_id>/dispute", methods=["POST"])
@roles_required("coach")
@blp.arguments(DisputeInSchema)
@blp.response(200, AuditSchema)
def dispute(data, audit_id):
    """The audited coach disputes a Yellow, once: {"reason": ...}."""
    audit = get_audit(current_user, audit_id)
    disputes.dispute(current_user, audit, data["reason"])
    db.session.commit()
    return with_clock(audit)


@blp.route("/audits/<int:audit_id>/resolve", methods=["POST"])
@roles_required("team_leader", "admin")
@blp.arguments(ResolveInSchema)
@blp.response(200, AuditSchema)
def resolve(data, audit_id):
    """The coach's team leader decides a dispute: {"resolution": "upheld"|"overturned"}."""
    audit = get_audit(current_user, audit_id)
    disputes.resolve(current_user, audit, data["resolution"])
    db.session.commit()
    return with_clock(audit)
