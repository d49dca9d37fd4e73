"""RQ workers whose jobs run inside an app context, keeping the outbox row of each job up to date."""

import logging
import os

from rq import SimpleWorker, Worker

from helpdesk.extensions import db
from helpdesk.types import utcnow

log = logging.getLogger(__name__)


def app_worker_class(app, base=Worker):
    """Return a subclass of `base` that runs every job in a fresh app context of `app`."""

    parent_pid = os.getpid()

    class AppWorker(base):
        def perform_job(self, job, queue, *args, **kwargs):
            from helpdesk import jobs

            outbox_id = job.meta.get("outbox_id")
            with app.app_context():
                if os.getpid() != parent_pid:
                    # A forked work horse must not share the parent's pooled database connections.
                    db.engine.dispose(close=False)
                if outbox_id:
                    row = db.session.get(jobs.OutboxJob, outbox_id)
                    attempts = (row.attempts if row else 0) + 1
                    jobs.mark(outbox_id, status="started", attempts=attempts)
                try:
                    ok = super().perform_job(job, queue, *args, **kwargs)
                finally:
                    db.session.remove()
                if outbox_id:
                    if ok:
                        result = job.return_value()
                        jobs.mark(outbox_id, status="finished", progress=100, finished_at=utcnow(),
                                  result=result if isinstance(result, dict) else None)
                    else:
                        jobs.mark(outbox_id, status="failed", finished_at=utcnow(),
                                  error=(job.exc_info or "failed")[-2000:])
                return ok

        def handle_job_failure(self, job, queue, *args, **kwargs):
            # Also called in the parent when a work horse dies (killed, out of memory): the outbox row
            # must not stay "started" for ever.
            super().handle_job_failure(job, queue, *args, **kwargs)
            outbox_id = job.meta.get("outbox_id")
            if outbox_id:
                from helpdesk import jobs

                error = kwargs.get("exc_string") or "the job's process ended without finishing"
                with app.app_context():
                    jobs.mark(outbox_id, status="failed", finished_at=utcnow(), error=error[-2000:])

    AppWorker.__name__ = f"App{base.__name__}"
    return AppWorker


def make_worker(app, queues=("default",), simple=False):
    """A worker bound to the app's Redis, listening on `queues`."""
    from helpdesk.jobs import get_queue, get_redis

    with app.app_context():
        connection = get_redis()
        qs = [get_queue(name) for name in queues]
    cls = app_worker_class(app, SimpleWorker if simple else Worker)
    return cls(qs, connection=connection)
