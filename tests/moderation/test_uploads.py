"""Photos uploaded on their own and attached by id to a listing sent as JSON (issue #12's API)."""

import io
import threading
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from helpdesk.auth.services import create_token
from helpdesk.extensions import db
from helpdesk.moderation import listings
from helpdesk.moderation.models import Listing, ListingUpload
from helpdesk.types import utcnow
from tests.moderation.test_member_listings import GPS_IFD, photo

LISTING = {"title": "Red bike", "description": "Barely used", "price": "120.50", "category": "vehicles"}


def _upload(client, headers, data: bytes, name="one.jpg"):
    return client.post("/api/v1/listing-uploads", data={"image": (io.BytesIO(data), name)},
                       headers=headers, content_type="multipart/form-data")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_upload_then_list_as_json_attaches_the_cleaned_photos(client, api_headers, mod):
    headers = api_headers(mod.sam)
    first, second = (_upload(client, headers, photo(fmt)) for fmt in ("JPEG", "PNG"))
    assert (first.status_code, second.status_code) == (201, 201), first.get_data(as_text=True)
    body = first.get_json()
    assert body["content_type"] == "image/jpeg" and body["width"] == 64 and body["expires_at"]
    r = client.post("/api/v1/listings", json={**LISTING, "image_ids": [second.get_json()["id"], body["id"]]},
                    headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    created = r.get_json()
    assert created["price"] == "120.50" and [i["content_type"] for i in created["images"]] == ["image/png",
                                                                                               "image/jpeg"]
    listing = db.session.get(Listing, created["id"])
    for image in listing.images:  # no metadata survived the upload
        assert not Image.open(io.BytesIO(image.data)).getexif().get_ifd(GPS_IFD) and b"SpyCam" not in image.data
    assert _count(ListingUpload) == 0  # attached: no longer waiting
    again = client.post("/api/v1/listings", json={**LISTING, "image_ids": [body["id"]]}, headers=headers)
    assert again.status_code == 422 and again.get_json()["errors"]["json"] == {"image_ids": [
        f"No uploaded photo {body['id']} of yours is waiting (uploads are kept 24 hours)."]}


def test_another_members_upload_cannot_be_attached_and_nothing_is_created(client, api_headers, mod):
    theirs = _upload(client, api_headers(mod.rita), photo()).get_json()["id"]
    before = _count(Listing)
    r = client.post("/api/v1/listings", json={**LISTING, "image_ids": [theirs]}, headers=api_headers(mod.sam))
    assert r.status_code == 422 and "image_ids" in r.get_json()["errors"]["json"]
    assert _count(Listing) == before and _count(ListingUpload) == 1  # Rita's photo still waits for her


def test_files_and_ids_together_stay_within_four_photos(client, api_headers, mod):
    headers = api_headers(mod.sam)
    ids = [_upload(client, headers, photo()).get_json()["id"] for _ in range(4)]
    data = {**LISTING, "image_ids": [str(i) for i in ids], "images": [(io.BytesIO(photo()), "five.png")]}
    r = client.post("/api/v1/listings", data=data, headers=headers, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["errors"]["json"]["image_ids"] == ["A listing has at most 4 photos."]
    assert _count(ListingUpload) == 4
    r = client.post("/api/v1/listings", data={**data, "images": []}, headers=headers,
                    content_type="multipart/form-data")
    assert r.status_code == 201 and len(r.get_json()["images"]) == 4


def test_editing_a_pending_listing_attaches_uploads(client, api_headers, mod):
    headers = api_headers(mod.sam)
    listing_id = client.post("/api/v1/listings", json=LISTING, headers=headers).get_json()["id"]
    upload = _upload(client, headers, photo("WEBP" if "WEBP" in Image.SAVE else "PNG")).get_json()["id"]
    r = client.patch(f"/api/v1/listings/{listing_id}", json={"image_ids": [upload]}, headers=headers)
    assert r.status_code == 200 and len(r.get_json()["images"]) == 1 and r.get_json()["title"] == "Red bike"


@pytest.mark.parametrize("data, name, status, message", [
    (b"<html><script>alert(1)</script></html>", "photo.png", 422, "This file is not a PNG, JPEG or WebP photo."),
    (b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024), "big.jpg", 413, "The file is 6.0 MB; the limit is 5 MB."),
], ids=["html-named-png", "6-mb"])
def test_a_bad_upload_is_refused_in_plain_words_and_nothing_waits(client, api_headers, mod, data, name, status,
                                                                    message):
    r = _upload(client, api_headers(mod.sam), data, name)
    assert r.status_code == status and r.get_json()["errors"]["json"] == {"image": [message]}
    assert _count(ListingUpload) == 0


def test_only_members_upload_and_only_so_many_wait(client, api_headers, mod, monkeypatch):
    assert _upload(client, api_headers(mod.tia), photo()).status_code == 403
    assert client.post("/api/v1/listing-uploads", data={}, headers=api_headers(mod.sam),
                       content_type="multipart/form-data").status_code == 422
    monkeypatch.setattr(listings, "MAX_WAITING_UPLOADS", 2)
    headers = api_headers(mod.sam)
    assert [_upload(client, headers, photo()).status_code for _ in range(3)] == [201, 201, 409]


def test_housekeeping_deletes_uploads_never_attached_after_a_day(mod):
    from workers.housekeeping import purge_expired

    old = listings.upload_photo(mod.sam, photo(), now=utcnow() - timedelta(hours=25))
    fresh = listings.upload_photo(mod.sam, photo())
    old_id, fresh_id = old.id, fresh.id
    assert purge_expired()["listing_uploads"] == 1
    assert db.session.get(ListingUpload, old_id) is None and db.session.get(ListingUpload, fresh_id) is not None


def test_two_listings_sent_at_once_cannot_both_take_one_upload(app, committed_db, create_user):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race between two real sessions needs PostgreSQL")
    seller = create_user("client", name="Sam")
    rounds = [listings.upload_photo(seller, photo()).id for _ in range(8)]
    tokens, seller_id = [create_token(seller), create_token(seller)], seller.id
    db.session.commit()
    db.session.remove()
    outcomes = []
    for upload_id in rounds:
        barrier, got = threading.Barrier(2), []

        def send(token, upload_id=upload_id, barrier=barrier, got=got):
            c = app.test_client()
            barrier.wait(5)
            got.append(c.post("/api/v1/listings", json={**LISTING, "image_ids": [upload_id]},
                              headers={"Authorization": f"Bearer {token}"}).status_code)
        threads = [threading.Thread(target=send, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        outcomes.append(sorted(got))
    assert all(o == [201, 422] for o in outcomes), outcomes
    attached = db.session.scalar(select(func.count()).select_from(Listing).where(Listing.seller_id == seller_id))
    assert attached == len(rounds)


def test_uploads_sent_at_once_stay_within_the_waiting_bound(app, committed_db, create_user, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race between two real sessions needs PostgreSQL")
    monkeypatch.setattr(listings, "MAX_WAITING_UPLOADS", 2)
    seller = create_user("client", name="Sam")
    tokens, seller_id = [create_token(seller) for _ in range(6)], seller.id
    db.session.commit()
    db.session.remove()
    data = photo()
    for _ in range(3):
        barrier, got = threading.Barrier(len(tokens)), []

        def send(token, barrier=barrier, got=got):
            c = app.test_client()
            barrier.wait(5)
            got.append(c.post("/api/v1/listing-uploads", data={"image": (io.BytesIO(data), "a.png")},
                              headers={"Authorization": f"Bearer {token}"},
                              content_type="multipart/form-data").status_code)
        threads = [threading.Thread(target=send, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join(15)
        waiting = db.session.scalar(select(func.count()).select_from(ListingUpload)
                                    .where(ListingUpload.uploader_id == seller_id))
        assert waiting == 2, (waiting, sorted(got))
        db.session.execute(ListingUpload.__table__.delete())
        db.session.commit()
