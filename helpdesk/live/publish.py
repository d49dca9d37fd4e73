"""What a commit tells open pages: session events note what changed, and after the commit it is published.

After each flush the new rows that pages show are noted (messages, notifications, read marks, notes, audits);
after the commit they are promoted, after a rollback dropped (as jobs.py does for jobs), and at the end of the
request they are turned into topics and published. Nothing is published for work that did not commit.
A statement that flushes no ORM object (a bulk insert of notifications, a read mark's upsert) notes its
change itself (`helpdesk.changes.note_change`). Changes of a user's own bell or read marks go out as few events, each naming
many users' topics; a page hears only its own.

Topics for a new message: its thread ("thread:ID", everyone on that page), its client's coach ("coach:ID"),
that coach's team leader ("team:ID"), or "unassigned" for a client without a coach (the team leaders' queue).
A coach's inbox also listens to the coaches it covers today (routes.stream_topics). Every stream listens to
"desk", on which a bulk change (an import) is one event telling every open page to refresh.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from helpdesk.changes import PENDING
from helpdesk.extensions import db
from helpdesk.live.broker import get_broker

log = logging.getLogger(__name__)

BULK = 100  # more changes than this in one request or command are published as one "desk" refresh
PERSONAL = ("bell", "read")  # changes noted by user id, heard on that user's own topic
TOPICS_PER_EVENT = 500
_READY = "live_ready"


_kinds: list = []


def _noted(obj) -> tuple | None:
    """What a new or changed row means for open pages, as plain values (read now, published later)."""
    if not _kinds:  # the models, imported once on first use (they import this package's neighbours)
        from helpdesk.audits.models import Audit, CommunicationNote
        from helpdesk.inbox.models import Message, ThreadRead
        from helpdesk.notifications.models import Notification

        _kinds.extend([(Message, "message", "thread_id"), (Notification, "bell", "user_id"),
                       (ThreadRead, "read", "user_id"), (CommunicationNote, "comm", "thread_id"),
                       (Audit, "audit", "message_id")])
    for model, kind, ref in _kinds:
        if isinstance(obj, model):
            return (kind, getattr(obj, ref))
    return None


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    notes = session.info.setdefault(PENDING, set())
    for obj in list(session.new) + list(session.dirty):
        noted = _noted(obj)
        if noted is not None:
            notes.add(noted)


@event.listens_for(Session, "after_commit")
def _promote(session):
    if session.in_nested_transaction():
        return  # a savepoint released (notify's): the transaction around it may still roll back
    pending = session.info.pop(PENDING, None)
    if pending:
        session.info.setdefault(_READY, set()).update(pending)


@event.listens_for(Session, "after_rollback")
def _drop(session):
    if session.in_nested_transaction():
        return  # a savepoint rolled back: what the transaction around it did may still commit
    session.info.pop(PENDING, None)


def events_for(notes) -> list[tuple[tuple[str, ...], str]]:
    """(topics, kind) for each noted change; reads the thread and coach they concern."""
    from helpdesk.auth.models import User
    from helpdesk.clients.coach_at import coach_id_at
    from helpdesk.inbox.models import Message, Thread

    out = []
    for kind, ref in sorted(notes):
        if kind == "message":
            client_id = db.session.scalar(select(Thread.client_id).where(Thread.id == ref))
            if client_id is None:
                continue
            topics = [f"thread:{ref}"]
            coach_id = coach_id_at(client_id)
            if coach_id is None:
                topics.append("unassigned")
            else:
                topics.append(f"coach:{coach_id}")
                leader_id = db.session.scalar(select(User.reports_to_id).where(User.id == coach_id))
                if leader_id is not None:
                    topics.append(f"team:{leader_id}")
            out.append((tuple(topics), "message"))
        elif kind == "comm":
            out.append(((f"staff:thread:{ref}",), "comm"))
        elif kind == "audit":
            thread_id = db.session.scalar(select(Message.thread_id).where(Message.id == ref))
            if thread_id is not None:
                out.append(((f"staff:thread:{thread_id}",), "comm"))
    return out


def publish_ready() -> int:
    """Publish what the committed transactions of this request changed; return how many events."""
    ready = db.session.info.pop(_READY, None)
    if not ready:
        return 0
    broker = get_broker(current_app)
    published = 0
    for kind in PERSONAL:
        # Each user's own topic, no query needed: one event per kind for many users (a page hears only its
        # own topics of it, stream._payload), so the warnings job's 5,000 bells are a handful of events.
        topics = sorted(f"user:{ref}" for k, ref in ready if k == kind)
        for start in range(0, len(topics), TOPICS_PER_EVENT):
            broker.publish(tuple(topics[start:start + TOPICS_PER_EVENT]), kind)
            published += 1
    ready = {note for note in ready if note[0] not in PERSONAL}
    if not ready:
        return published
    if len(ready) > BULK:
        # An import or a generated program: one "refresh everything" instead of a query per row.
        broker.publish(("desk",), "refresh")
        return published + 1
    events = events_for(ready)
    for topics, kind in events:
        broker.publish(topics, kind)
    return published + len(events)


def publish(topics, kind: str) -> None:
    """Publish one event now (presence changes, which store nothing in the database)."""
    get_broker(current_app).publish(tuple(topics), kind)


def init_app(app) -> None:
    """Publish after every request and at the end of every app context (CLI commands, jobs in-process)."""

    @app.after_request
    def _publish_after_request(response):
        try:
            publish_ready()
        except Exception:  # a live signal must never turn a committed write into an error page
            log.exception("could not publish live events")
        return response

    @app.teardown_appcontext
    def _publish_at_teardown(exc):
        if exc is None and has_app_context() and db.session.registry.has() and db.session.info.get(_READY):
            try:
                publish_ready()
            except Exception:
                log.exception("could not publish live events at teardown")
