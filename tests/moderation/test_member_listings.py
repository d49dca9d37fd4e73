"""Members list things (issue #12): create, edit while pending, withdraw; photos checked, cleaned and guarded."""

import io
import os
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.moderation import listings, services
from helpdesk.moderation.models import Listing, ListingImage
from helpdesk.moderation.services import ModerationError

GPS_IFD = 0x8825


def photo(fmt="PNG", size=(64, 48), gps=True) -> bytes:
    """A real image; with `gps`, EXIF that says where it was taken (and a camera maker)."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "SpyCam"
        exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 1.0), 3: "E", 4: (4.0, 53.0, 2.0)}
    out = io.BytesIO()
    img.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def _form(**fields):
    base = {"title": "Red bike", "description": "Barely used", "price": "120.50", "category": "vehicles"}
    base.update(fields)
    return base


def test_a_member_lists_a_thing_with_two_photos_and_their_location_is_gone(client, auth, mod):
    assert b"GPS" in photo("JPEG") or Image.open(io.BytesIO(photo("JPEG"))).getexif().get_ifd(GPS_IFD)
    auth.login(mod.sam)
    data = _form(images=[(io.BytesIO(photo("JPEG")), "one.jpg"), (io.BytesIO(photo("PNG")), "two.png")])
    r = client.post("/listings/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    listing = db.session.scalar(select(Listing).where(Listing.title == "Red bike"))
    assert (listing.status, listing.price, listing.category) == ("pending", Decimal("120.50"), "vehicles")
    assert [i.content_type for i in listing.images] == ["image/jpeg", "image/png"]
    for image in listing.images:
        stored = Image.open(io.BytesIO(image.data))
        assert dict(stored.getexif()) == {} and not stored.getexif().get_ifd(GPS_IFD)
        assert b"SpyCam" not in image.data
        assert Image.open(io.BytesIO(image.thumbnail)).format == "WEBP"
    page = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "120.50" in page and "pending" in page and f"/listing-images/{listing.images[0].id}/thumbnail" in page


@pytest.mark.parametrize("upload, status, message", [
    (b"<html><script>alert(1)</script></html>", 422, "not a PNG, JPEG or WebP"),
    (b"GIF89a" + b"\x00" * 100, 422, "not a PNG, JPEG or WebP"),
], ids=["html-named-png", "junk"])
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, auth, mod, upload, status, message):
    auth.login(mod.sam)
    r = client.post("/listings/new", data=_form(images=[(io.BytesIO(upload), "cat.png")]),
                    content_type="multipart/form-data")
    assert r.status_code == status and message in r.get_data(as_text=True)
    assert 'value="Red bike"' in r.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def test_a_6_mb_photo_is_refused_in_plain_words(client, api_headers, mod):
    big = os.urandom(6 * 1024 * 1024)
    r = client.post("/api/v1/listings", data=_form(images=[(io.BytesIO(big), "huge.png")]),
                    content_type="multipart/form-data", headers=api_headers(mod.sam))
    assert r.status_code == 413
    assert r.get_json()["errors"]["json"]["images"] == ["The file is 6.0 MB; the limit is 5 MB."]
    assert db.session.scalar(select(func.count()).select_from(ListingImage)) == 0


def test_a_gif_is_not_accepted_even_though_it_is_an_image(mod):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    with pytest.raises(ModerationError) as exc:
        listings.create_listing(mod.sam, "Gif", None, "1", "other", [out.getvalue()])
    assert exc.value.field == "images" and "Only PNG, JPEG or WebP" in str(exc.value)


@pytest.mark.parametrize("field, value, message", [
    ("price", "-1", "cannot be negative"), ("price", "12.345", "two decimals"), ("price", "abc", "12.50"),
    ("category", "weapons", "must be one of"), ("title", "  ", "title"),
])
def test_bad_fields_are_a_422_naming_the_field(client, api_headers, mod, field, value, message):
    r = client.post("/api/v1/listings", json=_form(**{field: value}), headers=api_headers(mod.sam))
    assert r.status_code == 422, r.get_json()
    assert field in r.get_json()["errors"]["json"]
    assert message.lower() in r.get_json()["message"].lower()
    assert db.session.scalar(select(func.count()).select_from(Listing)) == 0


def test_at_most_four_photos(mod):
    listing = listings.create_listing(mod.sam, "Lamp", None, "5", "home", [photo(gps=False)] * 3)
    with pytest.raises(ModerationError) as exc:
        listings.edit_listing(mod.sam, listing, "Lamp", None, "5", "home", [photo(gps=False)] * 2)
    assert exc.value.field == "images" and "at most 4" in str(exc.value)
    listings.edit_listing(mod.sam, listing, "Lamp", None, "5", "home", [photo("WEBP", gps=False)])
    assert [i.position for i in listing.images] == [0, 1, 2, 3]


def test_edit_while_pending_then_409_and_withdraw(client, api_headers, mod):
    headers = api_headers(mod.sam)
    r = client.post("/api/v1/listings", json=_form(), headers=headers)
    assert r.status_code == 201 and r.get_json()["price"] == "120.50" and r.get_json()["status"] == "pending"
    listing_id = r.get_json()["id"]
    r = client.patch(f"/api/v1/listings/{listing_id}", json={"price": "99.00"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["price"] == "99.00" and r.get_json()["title"] == "Red bike"
    assert client.patch(f"/api/v1/listings/{listing_id}", json={"price": "1"},
                        headers=api_headers(mod.rita)).status_code == 404
    listing = db.session.get(Listing, listing_id)
    services.decide(mod.tia, listing, "approve")
    r = client.patch(f"/api/v1/listings/{listing_id}", json={"price": "1.00"}, headers=headers)
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Listing, listing_id).price == Decimal("99.00")
    listings.withdraw_listing(mod.sam, listing)
    assert listing.status == "withdrawn"
    with pytest.raises(ModerationError) as exc:
        services.decide(mod.tod, listing, "approve")
    assert exc.value.status == 409


def test_photos_are_served_safely_and_only_to_who_may_see_the_listing(client, auth, mod):
    listing = listings.create_listing(mod.sam, "Lamp", None, "5", "home", [photo()])
    image = listing.images[0]
    url = f"/listing-images/{image.id}"
    assert client.get(url).status_code == 404  # pending: not for the public
    auth.login(mod.rita)
    assert client.get(url).status_code == 404  # nor another member
    auth.logout()
    for who in (mod.sam, mod.tia, mod.support):
        auth.login(who)
        assert client.get(url).status_code == 200 and client.get(url + "/thumbnail").status_code == 200
        auth.logout()
    auth.login(mod.una)
    assert client.get(url).status_code == 404  # an untrained coach is not a moderator
    auth.logout()
    services.decide(mod.tia, listing, "approve")
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in r.headers["Content-Security-Policy"]
    assert client.get(url + "/thumbnail").mimetype == "image/webp"
