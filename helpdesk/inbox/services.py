"""Who may see a thread, and posting a message: the rules every inbox page and API call goes through."""

from datetime import date, datetime

from sqlalchemy import and_, exists, false, or_, select

from helpdesk.auth.models import Role, User
from helpdesk.clients.models import Assignment, Vacation
from helpdesk.clients.services import coach_id_at, covers
from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread, ThreadRead
from helpdesk.notifications.services import notify
from helpdesk.types import utcnow

# Roles that see every thread.
ALL_THREADS_ROLES = (Role.AUDITOR.value, Role.SUPPORT.value, Role.ADMIN.value)


def on_vacation(on: date):
    """SQL condition on Vacation: the vacation includes day `on`."""
    return and_(Vacation.starts_on <= on, Vacation.ends_on >= on)


def current_coach_id(client_id: int, at: datetime | None = None) -> int | None:
    """The id of the coach assigned to the client at `at` (default now), or None."""
    return db.session.scalar(select(coach_id_at(client_id, at or utcnow())))


def away_teammate_ids(coach: User, on: date | None = None) -> list[int]:
    """Ids of the other coaches of `coach`'s team leader who are on vacation on `on` (default today)."""
    if coach.reports_to_id is None:
        return []
    return list(db.session.scalars(
        select(User.id).join(Vacation, Vacation.coach_id == User.id)
        .where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id, User.id != coach.id,
               on_vacation(on or utcnow().date()))
        .distinct()
    ))


def _client_ids_of_coaches(coach_ids, at: datetime):
    return select(Assignment.client_id).where(Assignment.coach_id.in_(coach_ids), covers(at))


def visibility(user: User):
    """Work out once who `user` may see; return a function turning a client-id column into the SQL
    condition "user may see this client's threads" (so a page with several queries asks only once)."""
    if user.role in ALL_THREADS_ROLES:
        return lambda column: column.is_not(None)
    if user.role == Role.CLIENT.value:
        return lambda column: column == user.id
    now = utcnow()
    if user.role == Role.COACH.value:
        # Themself and teammates away today, as one subquery (no extra round trip per page).
        away = select(Vacation.coach_id).where(on_vacation(now.date()))
        covered = select(User.id).where(or_(
            User.id == user.id,
            and_(User.role == Role.COACH.value, User.reports_to_id == user.reports_to_id,
                 User.reports_to_id.is_not(None), User.id.in_(away))))
        clients = _client_ids_of_coaches(covered, now)
        return lambda column: column.in_(clients)
    if user.role == Role.TEAM_LEADER.value:
        team = select(User.id).where(User.reports_to_id == user.id, User.role == Role.COACH.value)
        clients = _client_ids_of_coaches(team, now)

        def condition(column):
            assigned = exists(select(Assignment.id).where(Assignment.client_id == column, covers(now)))
            return or_(column.in_(clients), ~assigned)

        return condition
    return lambda column: false()


def visible_client_condition(user: User, client_id_column):
    """SQL condition on a column holding a client id: `user` may see that client's threads."""
    return visibility(user)(client_id_column)


def visible_threads(user: User):
    """A `select(Thread)` of the threads `user` may see (the same rule as thread_visible_to)."""
    return select(Thread).where(visible_client_condition(user, Thread.client_id))


def thread_visible_to(user: User, thread: Thread | None) -> bool:
    """Whether `user` may open `thread`: clients their own; coaches their clients' (and away teammates');
    team leaders their coaches' clients' and unassigned clients'; auditors, support and admins all."""
    if thread is None or user is None or not user.is_authenticated:
        return False
    if user.role in ALL_THREADS_ROLES:
        return True
    if user.role == Role.CLIENT.value:
        return thread.client_id == user.id
    coach_id = current_coach_id(thread.client_id)
    if user.role == Role.COACH.value:
        return coach_id is not None and (coach_id == user.id or coach_id in away_teammate_ids(user))
    if user.role == Role.TEAM_LEADER.value:
        if coach_id is None:
            return True
        return db.session.scalar(select(User.reports_to_id).where(User.id == coach_id)) == user.id
    return False


def mark_read(thread: Thread, user: User, at: datetime | None = None) -> ThreadRead:
    """Record that `user` has read `thread` up to now (one mark per user and thread)."""
    at = at or utcnow()
    mark = db.session.scalar(select(ThreadRead).where(ThreadRead.thread_id == thread.id,
                                                      ThreadRead.user_id == user.id))
    if mark is None:
        mark = ThreadRead(thread_id=thread.id, user_id=user.id, read_at=at)
        db.session.add(mark)
    elif mark.read_at is None or mark.read_at < at:
        mark.read_at = at
    db.session.flush()
    return mark


def responders_for(client_id: int, on: date | None = None) -> list[int]:
    """Who is told of a new client message: the client's coach, or while that coach is away, the
    teammates who are not away (the team leader if none is left); nobody for an unassigned client."""
    coach_id = current_coach_id(client_id)
    if coach_id is None:
        return []
    on = on or utcnow().date()
    coach = db.session.get(User, coach_id)
    away = db.session.scalar(select(Vacation.id).where(Vacation.coach_id == coach_id, on_vacation(on)).limit(1))
    if away is None or coach.reports_to_id is None:
        return [coach_id]
    away_ids = select(Vacation.coach_id).where(on_vacation(on))
    covering = list(db.session.scalars(
        select(User.id).where(User.role == Role.COACH.value, User.reports_to_id == coach.reports_to_id,
                              User.id != coach_id, User.active.is_(True), User.id.not_in(away_ids))
    ))
    return covering or [coach.reports_to_id]


def post_message(thread: Thread, author: User, body: str) -> Message:
    """Store a message sent now; keep the thread's wait (metrics.md section 3) and read marks right;
    notify the coach (or covering team) of a client message, and the client of a staff reply."""
    body = (body or "").strip()
    if not body:
        raise ValueError("body: a message cannot be empty.")
    now = utcnow()
    message = Message(thread_id=thread.id, author_id=author.id, sent_at=now, body=body)
    db.session.add(message)
    thread.last_message_at = now
    from_client = author.id == thread.client_id
    if from_client:
        if thread.waiting_since is None:
            thread.waiting_since = now
    elif author.role != Role.CLIENT.value:
        thread.waiting_since = None
    db.session.flush()
    mark_read(thread, author, now)
    link = f"/threads/{thread.id}#m{message.id}"
    if from_client:
        for user_id in responders_for(thread.client_id, now.date()):
            notify(user_id, "client_message", f"{author.name} wrote: {thread.subject}"[:500], link,
                   dedupe_key=f"message:{message.id}")
    elif author.role != Role.CLIENT.value:
        notify(thread.client_id, "reply", f"{author.name} replied: {thread.subject}"[:500], link,
               dedupe_key=f"message:{message.id}")
    return message


def start_thread(client: User, subject: str, body: str) -> Thread:
    """A client opens a new thread with their coach (or, without one, the team leaders' unassigned queue)."""
    subject = (subject or "").strip()
    if not subject:
        raise ValueError("subject: a subject is required.")
    if len(subject) > 300:
        raise ValueError("subject: at most 300 characters.")
    if not (body or "").strip():
        raise ValueError("body: a message cannot be empty.")
    thread = Thread(client_id=client.id, subject=subject, created_at=utcnow())
    db.session.add(thread)
    db.session.flush()
    post_message(thread, client, body)
    return thread
