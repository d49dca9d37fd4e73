"""The one declared list of periodic jobs, and the loop that enqueues them.

How double enqueues are prevented: every scheduler loop (the `helpdesk schedule` process, of which
several may run, and the embedded default's thread) computes each entry's latest due instant and
claims it by inserting a `schedule_claims` row keyed by (job, slot) in the same transaction as the
job's outbox row. The primary key lets only one transaction insert it; a second loop waits for the
first to commit and then skips the slot. If the tick's transaction fails (the database went away),
both rows roll back together and the slot stays claimable, so no run is lost; Redis holds no state
that matters, so a Redis restart cannot make a slot run twice.
A due instant is only claimed within `grace` of it, so a scheduler that was down does not replay
a backlog of missed runs on restart.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter
from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str          # also the claim's job name
    cron: str          # when, in UTC (minute hour day month weekday)
    job: str           # dotted path of the job function (called without arguments)
    timeout: int = 600
    grace: timedelta = timedelta(minutes=10)


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("sla-waits", "*/5 * * * *", "workers.sla.update_waits", timeout=300, grace=timedelta(minutes=4)),
    Periodic("sla-warnings", "*/5 * * * *", "workers.warnings.send_sla_warnings", timeout=300, grace=timedelta(minutes=4)),
    Periodic("outbox-sweep", "* * * * *", "workers.outbox.sweep_outbox", timeout=120, grace=timedelta(seconds=50)),
    Periodic("ranking-current-month", "7 * * * *", "workers.rankings.compute_current_month", timeout=1800),
    Periodic("ranking-previous-month", "0 6 2 * *", "workers.rankings.compute_previous_month", timeout=3600,
             grace=timedelta(hours=6)),
    Periodic("audit-daily-sample", "30 5 * * *", "workers.audits.build_daily_sample", timeout=900,
             grace=timedelta(hours=6)),
    Periodic("mail-instant", "* * * * *", "workers.mail.send_instant", timeout=120, grace=timedelta(seconds=50)),
    Periodic("mail-daily-digest", "0 7 * * *", "workers.mail.send_daily_digest", timeout=900,
             grace=timedelta(hours=6)),
    Periodic("tickets-auto-close", "23 * * * *", "workers.tickets.close_stale_resolved", timeout=300),
    Periodic("housekeeping", "41 * * * *", "workers.housekeeping.purge_expired", timeout=300),
)

# A claim older than this can never be claimed again (every grace is shorter), so it may go.
CLAIMS_KEPT = timedelta(days=2)


class ScheduleClaim(db.Model):
    """One periodic run, claimed: the (job, slot) primary key is what makes each slot run once."""

    __tablename__ = "schedule_claims"

    job: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot = mapped_column(UTCDateTime, primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column()
    claimed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


def latest_due(entry: Periodic, now: datetime) -> datetime:
    """The entry's most recent due instant at or before `now` (UTC)."""
    due = croniter(entry.cron, now + timedelta(microseconds=1)).get_prev(datetime)
    return due


def claim(entry: Periodic, due: datetime) -> bool:
    """Insert the (job, slot) claim in the current transaction; False if another scheduler has it.

    On PostgreSQL a concurrent claimer's INSERT waits for ours to commit or roll back, so exactly one wins."""
    try:
        with db.session.begin_nested():
            db.session.add(ScheduleClaim(job=entry.name, slot=due))
    except IntegrityError:
        return False
    return True


def tick(now: datetime | None = None, schedule=SCHEDULE) -> list[str]:
    """Enqueue every entry that is due and not yet claimed by any scheduler; return their names.

    Needs an app context; commits the claims with their outbox rows, then hands the jobs on (to RQ, or
    in-process in the embedded mode). If the commit fails, nothing was claimed."""
    from helpdesk.jobs import dispatch_ready, enqueue

    now = now or utcnow()
    enqueued = []
    for entry in schedule:
        due = latest_due(entry, now)
        if now - due > entry.grace or not claim(entry, due):
            continue
        row = enqueue(entry.job, timeout=entry.timeout)
        db.session.get(ScheduleClaim, (entry.name, due)).outbox_id = row.id
        enqueued.append(entry.name)
    if enqueued:
        db.session.execute(delete(ScheduleClaim).where(ScheduleClaim.slot < now - CLAIMS_KEPT))
    db.session.commit()  # the claims and their outbox rows at once (or, if nothing was due, only the end)
    if enqueued:
        dispatch_ready()
        log.info("scheduled %s", ", ".join(enqueued))
    return enqueued


def run_forever(app, interval: float = 20.0, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set; errors are logged and the loop goes on."""
    stop = stop or threading.Event()
    while not stop.is_set():
        with app.app_context():
            try:
                tick()
            except Exception:  # Redis or the database briefly gone: try again next tick
                log.exception("schedule tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        stop.wait(interval)


def start_thread(app, interval: float = 20.0) -> threading.Thread:
    """Run the schedule loop in a daemon thread: the embedded default (no Redis, no worker), where this
    process also runs the jobs; with Redis, `helpdesk schedule` runs the loop in a process of its own."""
    thread = threading.Thread(target=run_forever, args=(app, interval), name="helpdesk-schedule", daemon=True)
    thread.start()
    return thread
