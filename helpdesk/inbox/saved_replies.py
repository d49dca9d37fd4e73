"""Saved replies: a coach's or team leader's library of answers and Learning Center links, with variables
filled in for the thread they are inserted into."""

import re

from sqlalchemy import and_, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.inbox.models import SavedReply
from helpdesk.limits import check_length

KINDS = ("reply", "link")

# The variables a saved reply may hold, each filled in from the thread it is inserted into. `coach` is
# whoever is writing (a covering teammate signs with their own name); `client` is the thread's member.
VARIABLES = {
    "client.first_name": lambda thread, writer: _first_name(thread.client.name),
    "client.name": lambda thread, writer: thread.client.name,
    "coach.first_name": lambda thread, writer: _first_name(writer.name),
    "coach.name": lambda thread, writer: writer.name,
    "thread.subject": lambda thread, writer: thread.subject or "",
}
VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def _first_name(name: str | None) -> str:
    return (name or "").split(" ", 1)[0]


def unknown_variables(body: str) -> list[str]:
    """The {{ variables }} in `body` that VARIABLES does not know, in order of appearance."""
    return list(dict.fromkeys(v for v in VARIABLE.findall(body) if v not in VARIABLES))


def filled(reply: SavedReply, thread, writer: User) -> str:
    """The reply's text with its variables filled in for `thread`, written by `writer`; a link reply is its
    title and address. An unknown variable (stored before variables were checked) stays as written."""
    if reply.kind == "link":
        return f"{reply.title}: {reply.body}"
    return VARIABLE.sub(lambda m: VARIABLES[m.group(1)](thread, writer) if m.group(1) in VARIABLES
                        else m.group(0), reply.body)


class SavedReplyError(ValueError):
    """Invalid saved reply input; the message names the field."""


def visible_saved_replies(user: User):
    """A select of the saved replies `user` may use: their own, their team leader's shared ones, and
    shared ones of teammates (coaches of the same team leader)."""
    conditions = [SavedReply.owner_id == user.id]
    if user.reports_to_id is not None:
        conditions.append(and_(SavedReply.shared.is_(True), SavedReply.owner_id == user.reports_to_id))
        teammates = select(User.id).where(User.reports_to_id == user.reports_to_id, User.role == Role.COACH.value)
        conditions.append(and_(SavedReply.shared.is_(True), SavedReply.owner_id.in_(teammates)))
    return select(SavedReply).where(or_(*conditions)).order_by(SavedReply.title, SavedReply.id)


def saved_reply_visible_to(user: User, reply: SavedReply | None) -> bool:
    if reply is None:
        return False
    return db.session.scalar(visible_saved_replies(user).where(SavedReply.id == reply.id)) is not None


def _clean(title: str | None, body: str | None, kind: str | None) -> tuple[str, str, str]:
    title = (title or "").strip()
    body = (body or "").strip()
    kind = kind or "reply"
    if not title:
        raise SavedReplyError("title: a title is required.")
    check_length("title", title, "saved_reply_title")
    if not body:
        raise SavedReplyError("body: the text is required.")
    check_length("body", body, "saved_reply_body")
    if kind not in KINDS:
        raise SavedReplyError("kind: must be reply or link.")
    unknown = unknown_variables(body)
    if unknown:
        raise SavedReplyError(f"body: {{{{{unknown[0]}}}}} is not a variable; use "
                              + ", ".join(f"{{{{{v}}}}}" for v in VARIABLES) + ".")
    return title, body, kind


def create_saved_reply(owner: User, title: str, body: str, kind: str = "reply", shared: bool = False) -> SavedReply:
    title, body, kind = _clean(title, body, kind)
    reply = SavedReply(owner_id=owner.id, title=title, body=body, kind=kind, shared=bool(shared))
    db.session.add(reply)
    db.session.flush()
    return reply


def update_saved_reply(reply: SavedReply, title: str, body: str, kind: str = "reply", shared: bool = False) -> SavedReply:
    reply.title, reply.body, reply.kind = _clean(title, body, kind)
    reply.shared = bool(shared)
    db.session.flush()
    return reply


def own_saved_reply(user: User, reply_id: int) -> SavedReply | None:
    """The saved reply if `user` owns it (only owners edit or delete)."""
    reply = db.session.get(SavedReply, reply_id)
    return reply if reply is not None and reply.owner_id == user.id else None
