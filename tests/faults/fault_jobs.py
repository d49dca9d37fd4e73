"""Job functions of the fault tests (named by dotted path, as real jobs are). Each is idempotent."""

import time

from helpdesk.extensions import db
from helpdesk.notifications.services import notify


def slow_note(user_id, text, seconds=0.0):
    """Wait, then notify `user_id` once with `text` (the dedupe key makes a re-run store nothing new)."""
    time.sleep(float(seconds))
    notify(user_id, "test", text, dedupe_key=f"fault:{text}")
    db.session.commit()
    return {"noted": text}
