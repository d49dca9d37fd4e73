"""What a transaction changed that open pages show, noted for the live channel (helpdesk.live.publish).

ORM objects are noted by publish.py's after-flush listener. A statement that flushes none (a bulk INSERT or
UPDATE, an upsert) notes its change here itself. The notes live in the session: publish.py promotes them
after the commit, drops them after a rollback and publishes them at the end of the request. This module
imports only the session, so any package may note a change without importing helpdesk.live (whose pages
import those packages).
"""

from helpdesk.extensions import db

PENDING = "live_pending"  # the session.info key of the notes of the transaction in progress


def note_change(kind: str, refs) -> None:
    """Note `kind` ("bell" or "read" for user ids, ...; as publish.py's `_noted` gives it) for each of `refs`."""
    db.session.info.setdefault(PENDING, set()).update((kind, ref) for ref in refs)
