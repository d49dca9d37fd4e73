"""Demo marketplace (issue #12): members' listings with photos in every state, made through the moderation
services themselves, so the queue, the review queue, the history and the accuracy page have something real:
pending (one overdue, one claimed), approved, rejected, removed after review (an overturn), hidden
automatically by weighted reports, withdrawn; reports from reporters with good and poor track records."""

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.moderation import listings, reports, services

COLOURS = [(196, 61, 52), (52, 120, 196), (60, 160, 90), (220, 170, 40), (120, 80, 170), (90, 90, 90)]


def _photo(n: int, fmt: str = "JPEG") -> bytes:
    img = Image.new("RGB", (480, 360), COLOURS[n % len(COLOURS)])
    draw = ImageDraw.Draw(img)
    draw.rectangle((60 + 10 * n % 80, 60, 300, 280), outline=(255, 255, 255), width=8)
    out = io.BytesIO()
    img.save(out, fmt)
    return out.getvalue()


ITEMS = [  # title, description, price, category, hours ago submitted
    ("Road bike, 56 cm frame", "Aluminium frame, new tyres, serviced in spring.", "240.00", "vehicles", 30),
    ("Espresso machine", "Works well; descaled last month. Pick-up only.", "85.00", "home", 21),
    ("Noise-cancelling headphones", "Boxed, with the travel case.", "120.00", "electronics", 6),
    ("Hand-knitted scarf", "Merino, two metres long.", "35.00", "fashion", 2),
    ("Board game bundle", "Five family games, all pieces present.", "40.00", "hobbies", 50),
    ("Mountain tent for two", "Used twice; one pole repaired.", "90.00", "hobbies", 60),
    ("Designer handbag (replica)", "Looks just like the real one.", "60.00", "fashion", 70),
    ("Vintage desk lamp", "Brass, rewired.", "45.00", "home", 80),
    ("Phone charger", "Fast charging, cable included.", "12.50", "electronics", 90),
    ("Garden chairs, set of four", "Teak, weathered.", "150.00", "home", 100),
]


def add_marketplace(now: datetime) -> int:
    """Create the demo listings and their moderation history as of `now`; return how many listings."""
    by_id = {u.external_id: u for u in db.session.scalars(select(User).where(User.external_id.like("demo-%")))}
    clients = sorted((u for u in by_id.values() if u.role == "client"), key=lambda u: u.external_id)
    coaches = sorted((u for u in by_id.values() if u.role == "coach" and u.moderation_trained),
                     key=lambda u: u.external_id)
    seller, support = by_id.get("demo-client"), by_id.get("demo-support")
    if seller is None or support is None or not coaches or len(clients) < 8:
        return 0
    coach, other = coaches[0], (coaches[1] if len(coaches) > 1 else by_id.get("demo-admin"))
    sellers = [seller] + clients[1:3]
    made = []
    for n, (title, text, price, category, hours) in enumerate(ITEMS):
        photos = [_photo(n), _photo(n + 1, "PNG")] if n % 3 != 2 else [_photo(n)]
        made.append(listings.create_listing(sellers[n % len(sellers)], title, text, price, category, photos,
                                            now=now - timedelta(hours=hours)))
    overdue, due_soon, claimed, _fresh, approved, removed, hidden, rejected, withdrawn, kept = made
    services.claim_listing(other, claimed, now=now - timedelta(minutes=5))
    for listing in (approved, removed, hidden, kept):
        services.decide(coach, listing, "approve", now=listing.submitted_at + timedelta(hours=3))
    services.decide(other, rejected, "reject", "Show the lamp itself, lit.", now=rejected.submitted_at
                    + timedelta(hours=30), reason_code="poor_photos")
    listings.withdraw_listing(withdrawn.seller, withdrawn)
    reporters = [c for c in clients if c.id not in {s.id for s in sellers}][:5]
    good, poor, *fresh = reporters
    # a track record: `good` was upheld before, `poor` dismissed
    reports.report_listing(good, removed, "misleading", "The tent in the photos is a different model.",
                           now=now - timedelta(hours=20))
    reports.report_listing(poor, kept, "offensive", "I do not like teak.", now=now - timedelta(hours=19))
    reports.resolve_reports(support, kept, now=now - timedelta(hours=18))
    reports.remove_listing(support, removed, "The photos show a different tent.", reason_code="misleading",
                           now=now - timedelta(hours=17))
    # weighted reports on live listings: one by a reliable reporter, three that hide a listing
    reports.report_listing(good, approved, "duplicate", "Listed twice this week.", now=now - timedelta(hours=3))
    reports.report_listing(poor, approved, "other", "Too cheap to be true?", now=now - timedelta(hours=2))
    for n, reporter in enumerate(fresh[:2] + [good]):
        reports.report_listing(reporter, hidden, "prohibited_item", None, now=now - timedelta(hours=1, minutes=n))
    db.session.flush()
    assert overdue.status == due_soon.status == "pending"
    return len(made)
