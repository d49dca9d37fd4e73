"""The queue's per-(status, category) counts of listings, kept by the database (issue #15).

The tabs of the moderation queue show how many listings each status holds; counting them means reading every
listing ever submitted (195k at a program's scale) on every view. Instead `listing_counts` holds one row per
(status, category) and a trigger on `listings` moves it in the same statement as the change, whoever makes it:
a decision, a review, a report hiding a listing, a seller's new listing, edit or withdrawal, an import, the
generator's COPY, a test's factory. Nothing in Python has to remember to count, so no writer can be missed.

Two writers at once stay exact: each change is an atomic `n = n + delta` upsert on PostgreSQL, taken in
(status, category) order so two transactions never lock the same rows in opposite orders (no deadlock); SQLite
runs one writer at a time. The trigger is statement-level on PostgreSQL (one aggregate per statement through
its transition tables, so a bulk import or a COPY costs one upsert per key, not one per row), row-level on
SQLite, which has nothing else. `recount` rebuilds the rows from scratch and says what was wrong.
"""

from sqlalchemy import func, select, text

from helpdesk.extensions import db
from helpdesk.moderation.models import Listing, ListingCount


def status_counts(category: str | None = None) -> dict[str, int]:
    """status -> how many listings hold it (of one category, or of all): a read of the few count rows."""
    stmt = select(ListingCount.status, func.sum(ListingCount.n)).group_by(ListingCount.status)
    if category:
        stmt = stmt.where(ListingCount.category == category)
    return {status: int(n) for status, n in db.session.execute(stmt)}


def recount() -> dict[tuple[str, str], tuple[int, int]]:
    """Rebuild the counts from the listings themselves; return what was wrong: (status, category) -> (kept,
    true). Holds a SHARE lock on listings meanwhile (PostgreSQL): writers in flight finish first, new ones wait,
    so the recount is exact. Flushes; the caller commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE listings IN SHARE MODE"))
    kept = {(s, c): n for s, c, n in db.session.execute(select(ListingCount.status, ListingCount.category,
                                                               ListingCount.n)) if n}
    true = {(s, c): n for s, c, n in db.session.execute(
        select(Listing.status, Listing.category, func.count()).group_by(Listing.status, Listing.category))}
    wrong = {key: (kept.get(key, 0), true.get(key, 0)) for key in kept.keys() | true.keys()
             if kept.get(key, 0) != true.get(key, 0)}
    if wrong:
        db.session.execute(ListingCount.__table__.delete())
        db.session.execute(ListingCount.__table__.insert(), [{"status": s, "category": c, "n": n}
                                                             for (s, c), n in sorted(true.items())])
    db.session.flush()
    return wrong
