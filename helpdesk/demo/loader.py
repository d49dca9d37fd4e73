"""Load the demo program into the database once, and give one user of each role the demo password."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.demo.extras import add_extras
from helpdesk.demo.generator import generate, to_lines
from helpdesk.demo.marketplace import add_marketplace
from helpdesk.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from helpdesk.extensions import db
from helpdesk.periods import current_month, previous_month
from helpdesk.sla.services import recompute_waits
from helpdesk.types import utcnow

# The program counts as loaded once this user exists; the demo is then never loaded a second time.
MARKER = DEMO_LOGINS["admin"]


class DemoLoadError(RuntimeError):
    """The generated program did not import; `errors` are the importer's "FILE:LINE: message" lines."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = "\n".join(self.errors[:20])
        more = f"\n... and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"the demo program did not import:\n{shown}{more}")


@dataclass
class DemoLoad:
    loaded: bool  # False: the program was already there and nothing was added
    stored: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)


class DemoRefused(RuntimeError):
    """The demo must not run here: a production desk, or a database holding users it did not create."""


# Every user the demo creates has an external id with this prefix (people.make_people).
DEMO_ID_PREFIX = "demo-"


def refuse_production() -> None:
    """Refuse (DemoRefused) when HELPDESK_ENV=production, before the database is touched at all."""
    from flask import current_app

    if current_app.config.get("HELPDESK_ENV") == "production":
        raise DemoRefused("the demo does not run when HELPDESK_ENV=production")


def check_demo_may_run() -> None:
    """Refuse (DemoRefused) when HELPDESK_ENV=production or the database holds a user the demo did not
    create: the demo resets passwords and adds a generated program, which must never reach real data."""
    from sqlalchemy import func, inspect

    refuse_production()
    if not inspect(db.session.connection()).has_table(User.__tablename__):
        return  # an empty database: the demo will create it
    others = db.session.scalar(select(func.count()).select_from(User)
                               .where(~User.external_id.startswith(DEMO_ID_PREFIX, autoescape=True)))
    if others:
        raise DemoRefused(f"the database holds {others} user(s) the demo did not create; the demo only runs on "
                          "an empty database or its own")


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.external_id == MARKER)) is not None


def load_demo(seed: int = 2026, scale: float = 1.0, now: datetime | None = None) -> DemoLoad:
    """Generate the program relative to `now` and import it with the app-only extras, unless it is already
    loaded. Flushes; the caller commits. Raises DemoLoadError (nothing stored) if the import refuses it."""
    from helpdesk.imports.services import import_lines

    if demo_loaded():
        return DemoLoad(loaded=False)
    now = (now or utcnow()).replace(second=0, microsecond=0)
    lines = to_lines(generate(seed=seed, scale=scale, now=now))
    result = import_lines(lines, source="demo")
    if not result.ok:
        db.session.rollback()
        raise DemoLoadError(result.errors)
    # The response-time waits behind the SLA pages and rankings, built from the imported messages.
    recompute_waits()
    extras = add_extras(seed, scale, now)
    extras["marketplace_listings"] = add_marketplace(now)
    _as_the_schedule_would_have(now)
    return DemoLoad(loaded=True, stored=dict(result.stored), skipped=dict(result.skipped), extras=extras)


def set_demo_passwords(password: str = DEMO_PASSWORD) -> list[tuple[str, str]]:
    """Give each role's demo user `password` (ending their sessions); return (role, external id) pairs."""
    from helpdesk.auth.services import set_password

    users = {u.external_id: u for u in db.session.scalars(
        select(User).where(User.external_id.in_(DEMO_LOGINS.values()))).all()}
    logins = []
    for role, external_id in DEMO_LOGINS.items():
        user = users.get(external_id)
        if user is None:
            raise DemoLoadError([f"the demo user {external_id} is missing"])
        user.active = True
        set_password(user, password)
        logins.append((role, external_id))
    db.session.flush()
    return logins


def _as_the_schedule_would_have(now: datetime) -> None:
    """Store last month's and this month's rankings and draw the auditors' sample of the last two days,
    as the worker's schedule would have by now, so every page has something to show."""
    from helpdesk.audits.queue import build_sample
    from helpdesk.rankings.snapshot import compute_snapshot

    today = now.date()
    for month in (previous_month(now), current_month(now)):
        compute_snapshot(month, now)
    for day in (today - timedelta(days=2), today - timedelta(days=1)):
        build_sample(day)
