"""The one declared list of periodic jobs, and the loop that enqueues them.

How double enqueues are prevented: every scheduler loop (the one `helpdesk schedule` process, and
the thread `helpdesk worker` starts unless given `--no-schedule`) computes each entry's latest due
instant and claims it with a Redis `SET key NX EX` on `helpdesk:schedule:<name>:<due instant>`.
Only the loop that wins the key enqueues (through `helpdesk.jobs.enqueue`, so the job also has an
outbox row); any number of workers or schedule processes therefore enqueue each run exactly once.
A due instant is only claimed within `grace` of it, so a scheduler that was down does not replay
a backlog of missed runs on restart.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter

from helpdesk.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str          # also the Redis claim key's middle part
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
    Periodic("tickets-auto-close", "23 * * * *", "workers.tickets.close_stale_resolved", timeout=300),
)


def latest_due(entry: Periodic, now: datetime) -> datetime:
    """The entry's most recent due instant at or before `now` (UTC)."""
    due = croniter(entry.cron, now + timedelta(microseconds=1)).get_prev(datetime)
    return due


def claim_key(entry: Periodic, due: datetime) -> str:
    return f"helpdesk:schedule:{entry.name}:{due.strftime('%Y-%m-%dT%H:%M')}"


def tick(redis, now: datetime | None = None, schedule=SCHEDULE) -> list[str]:
    """Enqueue every entry that is due and not yet claimed by any scheduler; return their names.

    Needs an app context; commits the outbox rows it creates and hands them on to RQ.
    """
    from helpdesk.extensions import db
    from helpdesk.jobs import dispatch_ready, enqueue

    now = now or utcnow()
    enqueued = []
    for entry in schedule:
        due = latest_due(entry, now)
        if now - due > entry.grace:
            continue
        expiry = int(entry.grace.total_seconds()) + 86_400
        if not redis.set(claim_key(entry, due), now.isoformat(), nx=True, ex=expiry):
            continue
        enqueue(entry.job, timeout=entry.timeout)
        enqueued.append(entry.name)
    if enqueued:
        db.session.commit()
        dispatch_ready()
        log.info("scheduled %s", ", ".join(enqueued))
    return enqueued


class LocalClaims:
    """The claim store of the embedded mode (no REDIS_URL): one process runs the loop, so a dict with the same
    `set(key, value, nx=, ex=)` contract as Redis serves; the jobs it enqueues run in-process."""

    def __init__(self):
        self._expires: dict[str, float] = {}

    def set(self, key, value, nx=False, ex=None):
        now = time.monotonic()
        if nx and self._expires.get(key, 0) > now:
            return None
        self._expires[key] = now + (ex or 86_400)
        return True


def run_forever(app, interval: float = 20.0, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set; errors are logged and the loop goes on."""
    from helpdesk.extensions import db
    from helpdesk.jobs import get_redis

    stop = stop or threading.Event()
    with app.app_context():
        claims = get_redis() if app.config.get("REDIS_URL") else LocalClaims()
    while not stop.is_set():
        with app.app_context():
            try:
                tick(claims)
            except Exception:  # Redis or the database briefly gone: try again next tick
                log.exception("schedule tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        stop.wait(interval)
        time.sleep(0)


def start_thread(app, interval: float = 20.0) -> threading.Thread:
    """Run the schedule loop in a daemon thread (used by `helpdesk worker`)."""
    thread = threading.Thread(target=run_forever, args=(app, interval), name="helpdesk-schedule", daemon=True)
    thread.start()
    return thread
