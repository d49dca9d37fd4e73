"""Housekeeping: delete what has outlived its use (idempotency keys past their replay window, listing photos
uploaded on their own and never attached)."""

from helpdesk.extensions import db
from helpdesk.jobs import report_progress


def purge_expired() -> dict:
    """Delete expired idempotency keys and unattached listing uploads; commit; how many of each went."""
    from helpdesk import idempotency
    from helpdesk.moderation.listings import purge_uploads

    keys, uploads = idempotency.purge_expired(), purge_uploads()
    db.session.commit()
    report_progress(100, f"{keys} idempotency key(s), {uploads} unattached upload(s) deleted")
    return {"idempotency_keys": keys, "listing_uploads": uploads}
