"""Members' listings in the API: create (multipart with photos, or JSON) and edit while pending."""

from flask import request
from marshmallow import ValidationError

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.moderation import listings, queue
from helpdesk.moderation.api import _listing_or_404, blp
from helpdesk.moderation.images import read_upload
from helpdesk.moderation.member_routes import uploaded_images
from helpdesk.moderation.schemas import ListingInSchema, MemberListingSchema, UploadSchema

FORM_DOC = {"requestBody": {"content": {
    "application/json": {"schema": ListingInSchema},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "title": {"type": "string"}, "description": {"type": "string"}, "price": {"type": "string"},
        "category": {"type": "string"},
        "image_ids": {"type": "array", "items": {"type": "integer"},
                      "description": "photos uploaded first (POST /listing-uploads)"},
        "images": {"type": "array", "items": {"type": "string", "format": "binary"},
                   "description": "up to 4 PNG/JPEG/WebP photos, 5 MB each"}}}}}}}


def _body(partial: bool) -> dict:
    """The listing's fields from JSON or a multipart form, checked by ListingInSchema (422 naming the field)."""
    if request.mimetype == "multipart/form-data":
        raw = request.form.to_dict()
        if "image_ids" in request.form:
            raw["image_ids"] = request.form.getlist("image_ids")
    else:
        raw = request.get_json(silent=True) or {}
    try:
        return ListingInSchema(partial=partial).load(raw)
    except ValidationError as exc:
        field, messages = next(iter(exc.messages.items()))
        raise Refusal(422, messages[0] if isinstance(messages, list) else str(messages), field=field) from exc


@blp.route("/listings", methods=["POST"])
@roles_required(Role.CLIENT.value)
@blp.doc(**FORM_DOC)
@blp.response(201, MemberListingSchema)
def create_listing():
    """A member lists something (title, description, price, category): photos as multipart `images`, or JSON
    with `image_ids` of photos uploaded first (POST /listing-uploads), or both."""
    data = _body(partial=False)
    listing = listings.create_listing(signed_in_user(), data["title"], data.get("description"), data["price"],
                                      data["category"], uploaded_images(), upload_ids=data["image_ids"])
    db.session.commit()
    return queue.member_view(listing)


@blp.route("/listings/<int:listing_id>", methods=["PATCH"])
@roles_required(Role.CLIENT.value)
@blp.doc(**FORM_DOC)
@blp.response(200, MemberListingSchema)
def edit_listing(listing_id):
    """The seller edits a pending listing (fields not sent stay as they are; `images` are added); 409 once a
    moderator has decided it."""
    listing = _listing_or_404(listing_id)
    if listing.seller_id != signed_in_user().id:
        raise Refusal(404, "No such listing.")
    data = _body(partial=True)
    remove = [int(x) for x in request.form.getlist("remove_images") if x.isdigit()]
    listings.edit_listing(signed_in_user(), listing, data.get("title", listing.title),
                          data.get("description", listing.description), data.get("price", listing.price),
                          data.get("category", listing.category), uploaded_images(),
                          remove + list(data.get("remove_images", [])), upload_ids=data.get("image_ids", []))
    db.session.commit()
    return queue.member_view(listing)


UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["image"], "properties": {
        "image": {"type": "string", "format": "binary", "description": "one PNG/JPEG/WebP photo, 5 MB at most"}}}}}}}


@blp.route("/listing-uploads", methods=["POST"])
@roles_required(Role.CLIENT.value)
@blp.doc(**UPLOAD_DOC)
@blp.response(201, UploadSchema)
def upload_photo():
    """Upload one photo on its own (checked by content, re-encoded without metadata); attach it by its `id`
    in `image_ids` when creating or editing a listing as JSON. Not attached within 24 h, it is deleted."""
    storage = request.files.get("image")
    if storage is None or not storage.filename:
        raise Refusal(422, "Send the photo as the multipart field `image`.", field="image")
    try:
        upload = listings.upload_photo(signed_in_user(), read_upload(storage))
    except Refusal as exc:
        exc.field = "image" if exc.field == "images" else exc.field  # this endpoint's one field
        raise
    db.session.commit()
    return {"id": upload.id, "content_type": upload.content_type, "width": upload.width, "height": upload.height,
            "size": upload.size, "expires_at": listings.upload_expires_at(upload)}
