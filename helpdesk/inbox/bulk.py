"""Team leaders' bulk actions in the inbox: mark threads read, give the threads' clients another coach.

All or nothing: every thread named must be one the leader may see, and the coach one they may assign,
before anything changes; then each client is reassigned under its own row lock (clients.assignments)."""


from helpdesk.auth.models import Role, User
from helpdesk.clients.assignments import assign_coach
from helpdesk.clients.feedback import Refused
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.inbox.models import Thread
from helpdesk.inbox.queries import inbox_select
from helpdesk.inbox.services import mark_read, visible_threads

BULK_MAX = 100
ACTIONS = ("mark_read", "reassign")


def _threads(viewer: User, thread_ids: list[int]) -> list[Thread]:
    if viewer.role != Role.TEAM_LEADER.value:
        raise Refusal(403, "Bulk actions are for team leaders.")
    ids = list(dict.fromkeys(thread_ids))
    if not ids:
        raise Refusal(422, "Tick at least one thread.", field="thread_ids")
    if len(ids) > BULK_MAX:
        raise Refusal(422, f"At most {BULK_MAX} threads at once.", field="thread_ids")
    found = {t.id: t for t in db.session.scalars(visible_threads(viewer).where(Thread.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:  # the same answer for a thread that does not exist and one the leader may not see
        raise Refusal(422, f"No thread {missing[0]} in your inbox; nothing was changed.", field="thread_ids")
    return [found[i] for i in ids]


def bulk_mark_read(viewer: User, thread_ids: list[int]) -> int:
    """Mark the threads read for the leader; how many."""
    threads = _threads(viewer, thread_ids)
    for thread in threads:
        mark_read(thread, viewer)
    return len(threads)


def bulk_reassign(viewer: User, thread_ids: list[int], coach_id: int | None) -> list[dict]:
    """Give each ticked thread's client the coach `coach_id` from now (their other threads follow: a thread's
    coach is the client's coach). One result per client: "reassigned" or "already" theirs."""
    threads = _threads(viewer, thread_ids)
    coach = db.session.get(User, coach_id) if coach_id else None
    if coach is None:
        raise Refusal(422, "Choose the coach to give these clients to.", field="coach_id")
    results, seen = [], set()
    for thread in threads:
        if thread.client_id in seen:
            continue
        seen.add(thread.client_id)
        client = thread.client
        try:
            assign_coach(viewer, client, coach)
            results.append({"client_id": client.id, "client": client.name, "result": "reassigned"})
        except Refused:
            results.append({"client_id": client.id, "client": client.name, "result": "already"})
        except ValueError as exc:  # not a coach of the leader's team: refuse before anything lands
            raise Refusal(422, str(exc), field="coach_id") from exc
        except LookupError as exc:
            raise Refusal(422, f"No client {client.id} in your team; nothing was changed.",
                          field="thread_ids") from exc
    return results


def next_waiting(viewer: User, after: int | None = None) -> Thread | None:
    """The viewer's thread that has waited longest (the Waiting view's first row), other than `after`."""
    stmt = inbox_select(viewer, "waiting")
    if after:
        stmt = stmt.where(Thread.id != after)
    return db.session.scalars(stmt.limit(1)).first()
