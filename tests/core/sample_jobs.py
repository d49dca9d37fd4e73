"""Job functions used by the jobs tests (named by dotted path, as real jobs are)."""

from helpdesk.extensions import db
from helpdesk.jobs import report_progress
from helpdesk.notifications.services import notify


def note(user_id, text):
    report_progress(50, "half way")
    notify(user_id, "test", text)
    db.session.commit()
    return {"noted": text}


def fail(user_id):
    raise RuntimeError("this job always fails")


def trivial(n):
    """A job with no database work: what the queue itself costs."""
    return {"n": n}


def fail_first_attempt(counter_key):
    """Fails on its first attempt and succeeds on the next, as a job meeting a passing outage would."""
    from helpdesk.jobs import get_redis

    if get_redis().incr(counter_key) == 1:
        raise ConnectionError("the database went away (first attempt)")
    return {"attempt": int(get_redis().get(counter_key))}
