"""The desk's size limits, in one place: ids, pages, request bodies and the length of each kind of text.

Services check text with `check_length(field, value, KIND)`, so pages, API and import share one limit and
one message; request-level bounds (ids, pages, JSON depth) are applied by `helpdesk.security`.
"""

from helpdesk.api_pages import MAX_PAGE
from helpdesk.errors import Refusal

# An INTEGER column (every primary key) holds at most 2^31-1.
MAX_ID = 2**31 - 1
__all__ = ["MAX_ID", "MAX_PAGE", "MAX_JSON_DEPTH", "MAX_CONTENT_LENGTH", "TEXT_LIMITS", "TooLong", "check_length"]
MAX_JSON_DEPTH = 32
# Request bodies: the largest attachment (tickets, 5 MB) plus room for the form around it.
MAX_CONTENT_LENGTH = 8 * 1024 * 1024

# Characters per kind of text.
TEXT_LIMITS = {
    "subject": 300,
    "message": 20_000,
    "saved_reply_title": 200,
    "saved_reply_body": 20_000,
    "note": 10_000,
    "comment": 10_000,
    "reason": 5_000,
    # Auditing (helpdesk/audits, helpdesk/calibration; the import takes the audit comment's too).
    "communication_note": 5_000,  # a note in the coach communication area, or one linking a better reply
    "audit_comment": 5_000,
    "dispute_reason": 2_000,
    "calibration_comment": 2_000,
}


class TooLong(Refusal):
    """A text longer than its limit: a 422 naming the field."""

    def __init__(self, field: str, limit: int):
        super().__init__(422, f"At most {limit:,} characters.", field=field)


def check_length(field: str, value: str | None, kind: str) -> str | None:
    """Return `value` if it fits the limit of `kind` (TEXT_LIMITS); raise TooLong naming `field` otherwise."""
    limit = TEXT_LIMITS[kind]
    if value is not None and len(value) > limit:
        raise TooLong(field, limit)
    return value
