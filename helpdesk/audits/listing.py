"""The Audits view: a coach's own audits, a team leader's team's, with filters."""

from datetime import datetime

from sqlalchemy import and_, select

from helpdesk.audits.feedback import overdue_yellow, sla, standing_yellow
from helpdesk.audits.models import COLORS, Audit
from helpdesk.audits.services import visible_audits
from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from helpdesk.periods import month_bounds_or_none
from helpdesk.types import utcnow

STATES = {
    "waiting": "Yellow waiting for a better reply",
    "overdue": "Yellow overdue (24 h passed)",
    "acted": "Yellow acted on",
    "disputed": "Disputed, awaiting decision",
    "overturned": "Overturned",
}


def scope(user: User):
    """SQL condition: the audits `user` sees in the Audits view (who may see an audit: services.visible_audits)."""
    return visible_audits(user)


def state_condition(state: str, now: datetime):
    return {
        "waiting": and_(standing_yellow(), Audit.acted_message_id.is_(None), Audit.at >= now - sla()),
        "overdue": overdue_yellow(now),
        "acted": and_(standing_yellow(), Audit.acted_message_id.is_not(None)),
        "disputed": and_(Audit.disputed_at.is_not(None), Audit.resolution.is_(None)),
        "overturned": Audit.resolution == "overturned",
    }[state]


def list_audits(user: User, color=None, state=None, coach_id=None, month=None, now=None, limit=200):
    """The audits `user` sees, newest first, filtered by colour, state, coach and month ('YYYY-MM')."""
    now = now or utcnow()
    query = select(Audit).where(scope(user))
    if color in COLORS:
        query = query.where(Audit.color == color)
    if state in STATES:
        query = query.where(state_condition(state, now))
    if coach_id:
        query = query.where(Audit.coach_id == int(coach_id))
    bounds = month_bounds_or_none(month)
    if bounds:
        query = query.where(Audit.at >= bounds[0], Audit.at < bounds[1])
    return db.session.scalars(query.order_by(Audit.at.desc(), Audit.id.desc()).limit(limit)).all()


def coaches_in_view(user: User) -> list[User]:
    """The coaches whose audits and live quality `user` sees."""
    if user.role == Role.COACH.value:
        return [user]
    query = select(User).where(User.role == Role.COACH.value)
    if user.role == Role.TEAM_LEADER.value:
        query = query.where(User.reports_to_id == user.id)
    elif user.role != Role.ADMIN.value:
        return []
    return db.session.scalars(query.order_by(User.name, User.id)).all()


def overdue_count(user: User, now=None) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(Audit)
                             .where(scope(user), overdue_yellow(now or utcnow())))
