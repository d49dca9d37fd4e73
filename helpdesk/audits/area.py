"""The coach communication area at the top of a thread: coaches, audits and the staff conversation."""

from datetime import datetime

from sqlalchemy import or_, select

from helpdesk.audits.feedback import linkable_replies, yellow_clock
from helpdesk.audits.models import Audit, CommunicationNote
from helpdesk.audits.services import (
    NOTE_MAX,
    NOTE_ROLES,
    AuditError,
    bounded_text,
    thread_visible,
    visible_audits,
)
from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.types import utcnow


def add_note(author: User, thread: Thread, body) -> CommunicationNote:
    """A note in the conversation between coaches, auditors and team leaders."""
    if author.role not in NOTE_ROLES:
        raise AuditError("author", "Only coaches, team leaders and auditors write here.", 403)
    body = bounded_text(body, "body", NOTE_MAX)
    if not body:
        raise AuditError("body", "Write a note.")
    note = CommunicationNote(thread_id=thread.id, author_id=author.id, body=body, created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    return note


def thread_audits(user: User, thread_id: int) -> list[Audit]:
    """The audits of the thread's messages that `user` may see (services.visible_audits), oldest first."""
    return db.session.scalars(
        select(Audit).join(Message, Message.id == Audit.message_id)
        .where(Message.thread_id == thread_id, visible_audits(user)).order_by(Audit.at, Audit.id)
    ).all()


def communication_area(user: User, thread: Thread, now: datetime | None = None) -> dict | None:
    """Everything the area shows to `user`, or None for anyone who may not see it (clients above all)."""
    if user is None or not getattr(user, "is_authenticated", False) or not thread_visible(user, thread):
        return None
    now = now or utcnow()
    coaches = db.session.scalars(
        select(User).where(User.id.in_(select(Message.author_id).where(Message.thread_id == thread.id)),
                           User.role == Role.COACH.value).order_by(User.name)
    ).all()
    audits = thread_audits(user, thread.id)
    clocks = {a.id: yellow_clock(a, now) for a in audits}
    notes = db.session.scalars(
        select(CommunicationNote).where(
            CommunicationNote.thread_id == thread.id,
            # A note that links a reply to an audit tells of that audit: shown with it or not at all.
            or_(CommunicationNote.audit_id.is_(None),
                CommunicationNote.audit_id.in_(select(Audit.id).where(visible_audits(user)))))
        .order_by(CommunicationNote.created_at, CommunicationNote.id)
    ).all()
    waiting = [a for a in audits if clocks[a.id].state in ("open", "overdue")]
    return {
        "thread": thread, "coaches": coaches, "audits": audits, "clocks": clocks, "notes": notes,
        "waiting_yellows": waiting,
        "linkable": {a.id: linkable_replies(a, user) for a in waiting if a.coach_id == user.id},
        "by_message": _by_message(audits), "now": now,
    }


def _by_message(audits) -> dict[int, list[Audit]]:
    out: dict[int, list[Audit]] = {}
    for audit in audits:
        out.setdefault(audit.message_id, []).append(audit)
    return out
