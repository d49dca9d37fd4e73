"""The auditors' queue: a daily sample of coach replies, claimed by one auditor at a time."""

import random
from datetime import UTC, date, datetime, time, timedelta

from flask import abort, current_app
from sqlalchemy import and_, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import selectinload

from helpdesk.audits.models import Audit, AuditSample
from helpdesk.audits.services import AuditError
from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.inbox.models import Message
from helpdesk.text_match import contains
from helpdesk.types import utcnow
from helpdesk.upsert import one_writer_at_a_time

NEW_COACH_DAYS = 90


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def coach_starts() -> dict[int, date]:
    """Each coach's first day: the earlier of their account's creation and their first message."""
    first_message = (select(Message.author_id, func.min(Message.sent_at).label("first"))
                     .group_by(Message.author_id).subquery())
    rows = db.session.execute(
        select(User.id, User.created_at, first_message.c.first)
        .outerjoin(first_message, first_message.c.author_id == User.id)
        .where(User.role == Role.COACH.value)
    )
    starts = {}
    for coach_id, created_at, first in rows:
        moments = [m for m in (created_at, first) if m is not None]
        if first is not None and first.tzinfo is None:  # func.min loses the column type on some drivers
            moments[-1] = first.replace(tzinfo=UTC)
        if moments:
            starts[coach_id] = min(moments).date()
    return starts


def quota(coach_id: int, day: date, starts: dict[int, date]) -> int:
    """How many replies of the coach are sampled for `day`: more in their first 90 days."""
    start = starts.get(coach_id)
    is_new = start is not None and (day - start).days < NEW_COACH_DAYS
    config = current_app.config
    return config["AUDIT_SAMPLE_PER_NEW_COACH"] if is_new else config["AUDIT_SAMPLE_PER_COACH"]


def default_sample_day() -> date:
    """The day a sample is built for when none is given: yesterday, the last whole UTC day."""
    return utcnow().date() - timedelta(days=1)


def build_sample(day: date) -> dict:
    """Sample the coach replies sent on `day` into the queue: up to each coach's quota, never a reply
    already audited or already sampled. Idempotent: a second run only tops up what is missing, and two runs
    for one day at once (the schedule's and an admin's) run one after the other."""
    one_writer_at_a_time(AuditSample, day.toordinal())
    start, end = day_bounds(day)
    audited = exists().where(Audit.message_id == Message.id)
    sampled = exists().where(AuditSample.message_id == Message.id)
    candidates = db.session.execute(
        select(Message.id, Message.author_id).join(User, User.id == Message.author_id)
        .where(User.role == Role.COACH.value, Message.sent_at >= start, Message.sent_at < end,
               ~audited, ~sampled).order_by(Message.author_id, Message.id)
    ).all()
    already = dict(db.session.execute(
        select(AuditSample.coach_id, func.count()).where(AuditSample.sample_day == day)
        .group_by(AuditSample.coach_id)
    ).all())
    by_coach: dict[int, list[int]] = {}
    for message_id, coach_id in candidates:
        by_coach.setdefault(coach_id, []).append(message_id)
    starts = coach_starts()
    added = {}
    for coach_id, message_ids in sorted(by_coach.items()):
        wanted = quota(coach_id, day, starts) - already.get(coach_id, 0)
        if wanted <= 0:
            continue
        # Seeded by day and coach: a random pick, but the same one if the job is run again.
        chosen = random.Random(f"{day.isoformat()}:{coach_id}").sample(message_ids, min(wanted, len(message_ids)))
        for message_id in sorted(chosen):
            db.session.add(AuditSample(message_id=message_id, coach_id=coach_id, sample_day=day))
        added[coach_id] = len(chosen)
    db.session.flush()
    return {"day": day.isoformat(), "added": sum(added.values()), "coaches": len(added)}


def _free():
    """SQL: items not yet audited and claimed by nobody (the partial indexes `ix_audit_samples_free*`)."""
    return and_(AuditSample.audit_id.is_(None), AuditSample.claimed_by_id.is_(None))


def _claimed_by(auditor: User):
    """SQL: items not yet audited that `auditor` holds (the partial index `ix_audit_samples_claimed_open`)."""
    return and_(AuditSample.audit_id.is_(None), AuditSample.claimed_by_id == auditor.id)


def open_items(auditor: User, coach_id: int | None = None, day: date | None = None,
               limit: int = 200, offset: int = 0) -> list[AuditSample]:
    """Sample items not yet audited that are free or claimed by `auditor`, mine first, oldest day first;
    optionally only one coach's or one day's; `limit` of them after the first `offset`.

    Read as two index scans that stop at the page (mine, then free ones), not a sort of the whole open queue,
    with each item's reply and its author loaded alongside (one query each for the page, not one per row)."""
    def first(condition, n, skip=0):
        query = select(AuditSample).where(condition)
        if coach_id is not None:
            query = query.where(AuditSample.coach_id == coach_id)
        if day is not None:
            query = query.where(AuditSample.sample_day == day)
        return list(db.session.scalars(
            query.options(selectinload(AuditSample.message).selectinload(Message.author))
            .order_by(AuditSample.sample_day, AuditSample.id).offset(skip).limit(n)))

    mine = first(_claimed_by(auditor), offset + limit)
    if len(mine) == offset + limit:
        return mine[offset:]
    # All of mine are read (an auditor holds few): the free ones follow them.
    return mine[offset:] + first(_free(), offset + limit - max(offset, len(mine)), max(0, offset - len(mine)))


def queue_counts(auditor: User) -> dict:
    """How many items are open to `auditor`: in all, claimed by them, and per day (day, n).

    Free items and the auditor's own are counted apart, each from a partial index of its own (index-only),
    and added up; the whole open queue is never read row by row. Per coach there is no list to count: the
    page finds a coach by name (`find_coaches`) and counts that one coach's items (`coach_count`)."""
    def per_day(condition):
        return dict(db.session.execute(select(AuditSample.sample_day, func.count()).where(condition)
                                       .group_by(AuditSample.sample_day)).all())

    free, mine = per_day(_free()), per_day(_claimed_by(auditor))
    days = sorted((day, free.get(day, 0) + mine.get(day, 0)) for day in free.keys() | mine.keys())
    return {"total": sum(free.values()) + sum(mine.values()), "mine": sum(mine.values()), "days": days}


def _open_to(auditor: User):
    """SQL: items not yet audited that are free or claimed by `auditor`."""
    return or_(_free(), _claimed_by(auditor))


def coach_count(auditor: User, coach_id: int) -> int:
    """How many items of one coach are open to `auditor` (the partial indexes by coach and by claimant)."""
    return db.session.scalar(select(func.count()).select_from(AuditSample)
                             .where(AuditSample.coach_id == coach_id, _open_to(auditor)))


COACH_MATCHES = 20


def find_coaches(auditor: User, term: str, limit: int = COACH_MATCHES) -> list[tuple[int, str, str, int]]:
    """Coaches with items open to `auditor` whose name or email contains `term`: (id, name, email, open items),
    by name, at most `limit`; the one coach whose email or name is `term` exactly (what the picker fills in)
    comes alone."""
    term = (term or "").strip()
    if not term:
        return []
    has_open = exists().where(AuditSample.coach_id == User.id, _open_to(auditor))
    coaches = select(User.id, User.name, User.email).where(User.role == Role.COACH.value, has_open)
    exact = db.session.execute(coaches.where((func.lower(User.email) == term.lower())
                                             | (func.lower(User.name) == term.lower()))).all()
    rows = exact if len(exact) == 1 else db.session.execute(
        coaches.where(contains(User.name, term) | contains(User.email, term))
        .order_by(User.name, User.id).limit(limit)).all()
    if not rows:
        return []
    n = dict(db.session.execute(select(AuditSample.coach_id, func.count())
                                .where(AuditSample.coach_id.in_([r.id for r in rows]), _open_to(auditor))
                                .group_by(AuditSample.coach_id)).all())
    return [(r.id, r.name, r.email, n.get(r.id, 0)) for r in rows]


def thread_context(message: Message, before: int = 3, after: int = 2) -> list[Message]:
    """The audited reply with the messages around it in its thread (the client's question among them),
    in the order they were sent."""
    order = (Message.sent_at, Message.id)
    earlier = db.session.scalars(
        select(Message).where(Message.thread_id == message.thread_id,
                              tuple_(*order) < tuple_(message.sent_at, message.id))
        .order_by(Message.sent_at.desc(), Message.id.desc()).limit(before)).all()
    later = db.session.scalars(
        select(Message).where(Message.thread_id == message.thread_id,
                              tuple_(*order) > tuple_(message.sent_at, message.id))
        .order_by(*order).limit(after)).all()
    return [*reversed(earlier), message, *later]


CLAIMED_BY_ANOTHER = "Another auditor has already claimed this reply."


def get_item(item_id: int) -> AuditSample:
    """The sample item, else 404."""
    item = db.session.get(AuditSample, item_id)
    if item is None:
        abort(404)
    return item


def require_no_claim_by_another(auditor: User, item: AuditSample | None) -> None:
    """A claim is the auditor's alone until audited or given back: anyone else gets a 409."""
    if item is not None and item.audit_id is None and item.claimed_by_id not in (None, auditor.id):
        raise AuditError("item", CLAIMED_BY_ANOTHER, 409)


def open_item(auditor: User, item_id: int) -> AuditSample:
    """The item for `auditor` to audit: 404 if missing, 409 if another auditor holds it."""
    item = get_item(item_id)
    require_no_claim_by_another(auditor, item)
    return item


def lock_sample_of(message_id: int) -> AuditSample | None:
    """The message's sample item, row-locked until commit (PostgreSQL), so a claim and an audit of it by
    two auditors at once are decided one after the other."""
    return db.session.scalar(select(AuditSample).where(AuditSample.message_id == message_id)
                             .with_for_update().execution_options(populate_existing=True))


def claim(auditor: User, item_id: int, now: datetime | None = None) -> AuditSample:
    """Claim an item for `auditor` in one conditional UPDATE, so two auditors cannot both get it."""
    item = get_item(item_id)
    claimed = db.session.execute(
        update(AuditSample)
        .where(AuditSample.id == item_id, AuditSample.claimed_by_id.is_(None), AuditSample.audit_id.is_(None))
        .values(claimed_by_id=auditor.id, claimed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(item)
    if claimed:
        return item
    if item.audit_id is not None:
        raise AuditError("item", "This reply has already been audited.", 409)
    if item.claimed_by_id != auditor.id:
        raise AuditError("item", CLAIMED_BY_ANOTHER, 409)
    return item  # claiming one's own item again changes nothing


def release(auditor: User, item_id: int) -> AuditSample:
    """Give a claimed, not yet audited item back to the queue."""
    item = get_item(item_id)
    if item.claimed_by_id != auditor.id or item.audit_id is not None:
        raise AuditError("item", "You have not claimed this item.", 409)
    item.claimed_by_id, item.claimed_at = None, None
    db.session.flush()
    return item
