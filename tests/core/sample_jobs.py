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
