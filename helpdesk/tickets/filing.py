"""Filing a ticket: the four things support needs (Who, What, Where, When), checked in one place.

`filing_errors` is the one rule for what a filing lacks; the page shows its messages at each field and the
API returns them in `errors` under the same words, `who`, `what`, `where`, `when`.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from helpdesk.auth.models import STAFF_ROLES, Role, User
from helpdesk.clients.services import clients_of
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.inbox.services import thread_visible_to
from helpdesk.tickets.access import row_or_none
from helpdesk.types import utcnow

DESK_LINK = re.compile(r"^(?:https?://[^/\s]+)?/threads/(\d+)(?:#m(\d+))?/?$")
PLACE_LINK = re.compile(r"^(?:https?://[^\s]+|/[^\s]*)$")
PROFILE_LINK = re.compile(r"(?:https?://[^/\s]+)?/(?:users|clients|people)/(\d+)\b")


@dataclass
class Filing:
    """What a coach typed into the ticket form (or sent to the API)."""

    who: str = ""
    who_ids: list[int] = field(default_factory=list)
    what: str = ""
    links: list[str] = field(default_factory=list)
    where: str = ""
    first_seen: datetime | None = None
    times_seen: int | None = None
    still_happening: bool | None = None


def pickable_people(user: User):
    """Who a filer may pick by name: their own clients now, and the desk's staff."""
    staff = select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
    if user.role != Role.COACH.value:
        return staff.order_by(User.name)
    own = clients_of(user).with_only_columns(User.id)
    return select(User).where(or_(User.id.in_(own), User.role.in_(STAFF_ROLES)),
                              User.active.is_(True)).order_by(User.name)


def pickable_clients(user: User):
    """The clients a filer may name as the ticket's client: their own clients now."""
    if user.role != Role.COACH.value:
        return select(User).where(False)
    return clients_of(user).order_by(User.name)


def desk_link_target(link: str) -> tuple[int, int | None] | None:
    """(thread id, message id or None) of a link to a thread or message in the desk; None otherwise."""
    found = DESK_LINK.match(link.strip())
    return (int(found[1]), int(found[2]) if found[2] else None) if found else None


def _link_errors(user: User, links: list[str]) -> str | None:
    for link in links:
        target = desk_link_target(link)
        if target is None:
            return f"“{link[:80]}” is not a link to a message or thread in the desk (like /threads/12#m345)."
        thread = row_or_none(Thread, target[0])
        if not thread_visible_to(user, thread):
            return f"You cannot open {link[:80]}; link only messages and threads you can see."
        if target[1] is not None and db.session.scalar(
                select(Message.id).where(Message.id == target[1], Message.thread_id == thread.id)) is None:
            return f"{link[:80]}: that message is not in that thread."
    return None


def profile_ids(who: str) -> list[int]:
    """User ids of the profile links pasted into Who."""
    return [int(n) for n in PROFILE_LINK.findall(who or "")]


def filing_errors(user: User, filing: Filing, now: datetime | None = None) -> dict[str, str]:
    """Each missing or wrong one of who, what, where, when, with the message to show at it."""
    now = now or utcnow()
    errors = {}
    ids = set(filing.who_ids) | set(profile_ids(filing.who))
    if not (filing.who or "").strip() and not ids:
        errors["who"] = "Who is missing: pick at least one person involved, or paste a profile link."
    elif len(filing.who or "") > 300:
        errors["who"] = "Keep Who under 300 characters."
    elif ids:
        allowed = set(db.session.scalars(pickable_people(user).where(User.id.in_(ids)).with_only_columns(User.id)))
        if ids - allowed:
            errors["who"] = "Pick people from your own clients and the desk's staff."
    if not (filing.what or "").strip():
        errors["what"] = "What is missing: describe what happened."
    elif len(filing.what) > 10000:
        errors["what"] = "Keep What under 10,000 characters."
    elif problem := _link_errors(user, filing.links):
        errors["what"] = problem
    where = (filing.where or "").strip()
    if not where:
        errors["where"] = "Where is missing: paste the link of the page where it happened."
    elif len(where) > 300 or not PLACE_LINK.match(where):
        errors["where"] = "Where must be a link to the place on the platform (https://… or /…)."
    if filing.first_seen is None or filing.times_seen is None or filing.still_happening is None:
        missing = [name for name, value in (("first seen", filing.first_seen), ("how many times", filing.times_seen),
                                            ("still happening", filing.still_happening)) if value is None]
        errors["when"] = f"When is missing: say {', '.join(missing)}."
    elif filing.first_seen.tzinfo is None:
        errors["when"] = "Give the time with its time zone (UTC)."
    elif filing.first_seen > now + timedelta(minutes=5):
        errors["when"] = "When cannot be in the future."
    elif not 1 <= filing.times_seen <= 100000:
        errors["when"] = "How many times must be at least 1."
    return errors
