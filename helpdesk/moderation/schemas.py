"""API shapes for moderation. Staff get ListingSchema; a seller only ever gets SellerListingSchema."""

from decimal import Decimal

from marshmallow import Schema, fields, validate

from helpdesk.api_pages import PageArgs
from helpdesk.limits import MAX_ID
from helpdesk.moderation.models import CATEGORIES, REJECT_REASONS, REPORT_REASONS
from helpdesk.moderation.queue import AGES, VIEWS
from helpdesk.moderation.services import BULK_MAX, DECISIONS


class ListingArgs(PageArgs):
    status = fields.Str(load_default=None, validate=validate.OneOf(VIEWS))


class QueueArgs(PageArgs):
    """`GET /moderation/queue`: one view, optionally one category and (pending) one age band."""

    status = fields.Str(load_default="pending", validate=validate.OneOf(VIEWS))
    category = fields.Str(load_default=None, validate=validate.OneOf(CATEGORIES))
    age = fields.Str(load_default=None, validate=validate.OneOf(AGES))


class ModeratorRef(Schema):
    id = fields.Int()
    name = fields.Str()


class DecisionSchema(Schema):
    """A decision. As input (the first API, `POST /listings/<id>/decisions`) `reason` is the seller's free text;
    as output it is the moderator's words, beside the declared `reason_code` and the `stage` ("queue": the
    decision on the pending listing; "review": removed after review; null: imported history)."""

    id = fields.Int(dump_only=True)
    listing_id = fields.Int(dump_only=True)
    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    reason_code = fields.Str(dump_only=True, allow_none=True)
    stage = fields.Str(dump_only=True, allow_none=True)
    at = fields.AwareDateTime(dump_only=True)
    moderator = fields.Nested(ModeratorRef, dump_only=True)


class DecisionInSchema(Schema):
    """`POST /listings/<id>/decision`: a reject names a declared reason; `text` is required for "other"."""

    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(REJECT_REASONS))
    text = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class BulkInSchema(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    listing_ids = fields.List(fields.Int(), required=True, validate=validate.Length(min=1, max=BULK_MAX))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(REJECT_REASONS))
    text = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class BulkResultSchema(Schema):
    listing_id = fields.Int(required=True)
    ok = fields.Bool(required=True)
    status = fields.Int(required=True, metadata={"description": "200, or why not: 404, 409, or 424 (another "
                                                                 "listing failed, so nothing was stored)"})
    message = fields.Str(required=True)


class BulkOutSchema(Schema):
    applied = fields.Bool(required=True, metadata={"description": "true: every listing decided; false: none"})
    results = fields.List(fields.Nested(BulkResultSchema), required=True)


class ReportSchema(Schema):
    """A member's report: `reason` one of REPORT_REASONS (free text, as the first API sent, counts as "other"
    with that text), `text` the member's words (required for "other")."""

    id = fields.Int(dump_only=True)
    listing_id = fields.Int(dump_only=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    text = fields.Str(load_default=None, allow_none=True, load_only=True, validate=validate.Length(max=2000))
    reason_code = fields.Str(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    resolved_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class ImageRefSchema(Schema):
    id = fields.Int(required=True)
    content_type = fields.Str(required=True)
    url = fields.Function(lambda img: f"/listing-images/{img.id}")
    thumbnail_url = fields.Function(lambda img: f"/listing-images/{img.id}/thumbnail")


class MoneyString(fields.String):
    """Money sent as a decimal string with two places ("12.50"), declared as a string in OpenAPI."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value).quantize(Decimal('0.01'))}"


class ListingSchema(Schema):
    """A listing as moderators see it: who holds it and until when, due time, reports, and (single listing) the
    decision history."""

    id = fields.Int()
    title = fields.Str()
    description = fields.Str(allow_none=True)
    category = fields.Str()
    seller = fields.Nested(ModeratorRef)
    status = fields.Str()
    submitted_at = fields.AwareDateTime()
    due_at = fields.AwareDateTime(metadata={"description": "submitted_at + SLA_HOURS (metrics.md section 3)"})
    overdue = fields.Bool()
    first_decision_at = fields.AwareDateTime(allow_none=True)
    claimed_by = fields.Nested(ModeratorRef, allow_none=True)
    claim_expires_at = fields.AwareDateTime(allow_none=True)
    open_reports = fields.Int()
    price = MoneyString(allow_none=True, metadata={"description": "money, two decimals, e.g. \"12.50\""})
    images = fields.List(fields.Nested(ImageRefSchema))
    decisions = fields.List(fields.Nested(DecisionSchema))
    reason = fields.Str(allow_none=True, metadata={"description": "members only: why it was not approved or "
                                                                  "was removed"})
    own = fields.Bool(metadata={"description": "members only: whether the caller is the seller"})


class SellerListingSchema(Schema):
    """What a member may know of a listing: never who moderated it nor moderators' notes."""

    id = fields.Int()
    title = fields.Str()
    description = fields.Str(allow_none=True)
    status = fields.Str()
    submitted_at = fields.AwareDateTime()
    reason = fields.Str(allow_none=True)


class ListingsPageSchema(Schema):
    """`GET /listings` (the first API): staff or member items, by the caller's role."""

    items = fields.List(fields.Dict())
    page = fields.Int()
    pages = fields.Int()
    total = fields.Int()


class ListingInSchema(Schema):
    """A member's listing as sent: the service checks price (money, never negative) and category again."""

    title = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    description = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    price = fields.Raw(required=True, metadata={"description": "money as a decimal string, e.g. \"12.50\""})
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    remove_images = fields.List(fields.Int(), load_default=list)
    image_ids = fields.List(fields.Int(validate=validate.Range(1, MAX_ID)), load_default=list,
                            validate=validate.Length(max=4),
                            metadata={"description": "ids of photos uploaded first (POST /listing-uploads), "
                                                     "attached to this listing"})


class UploadSchema(Schema):
    """A photo uploaded on its own, waiting to be attached to a listing by its id."""

    id = fields.Int(required=True)
    content_type = fields.Str(required=True)
    width = fields.Int(required=True)
    height = fields.Int(required=True)
    size = fields.Int(required=True, metadata={"description": "bytes, after re-encoding"})
    expires_at = fields.AwareDateTime(required=True, metadata={"description": "deleted then if not attached"})


class MemberListingSchema(SellerListingSchema):
    """A member's own listing with its price (a decimal string), category and photos."""

    price = MoneyString(allow_none=True, metadata={"description": "money, two decimals, e.g. \"12.50\""})
    category = fields.Str()
    images = fields.List(fields.Nested(ImageRefSchema))


class ReviewInSchema(Schema):
    decision = fields.Str(required=True, validate=validate.OneOf(("keep", "remove")))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.OneOf(REJECT_REASONS))
    text = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ReasonCountSchema(Schema):
    reason = fields.Str(required=True, validate=validate.OneOf(REPORT_REASONS))
    count = fields.Int(required=True)


class ReviewItemSchema(Schema):
    listing = fields.Nested(ListingSchema, required=True)
    reports = fields.Int(required=True)
    score = fields.Float(required=True, metadata={"description": "sum of the open reports' reporter weights"})
    reasons = fields.List(fields.Nested(ReasonCountSchema), required=True)


class ReviewOutSchema(Schema):
    listing = fields.Nested(ListingSchema, required=True)
    message = fields.Str(required=True)
    formula = fields.Str(required=True)


class StatsArgs(Schema):
    month = fields.Str(load_default=None, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="YYYY-MM"))


class StatsRowSchema(Schema):
    """One moderator's month (metrics.md section 9, and section 3's 24 h for the time to decide)."""

    moderator_id = fields.Int(required=True)
    moderator = fields.Str(required=True)
    moderated = fields.Int(required=True)
    approved_later_rejected = fields.Int(required=True)
    accuracy = fields.Float(allow_none=True, required=True)
    median_seconds_to_decide = fields.Float(allow_none=True, required=True)
    overdue = fields.Int(required=True)
    tier_outlook = fields.Str(allow_none=True, required=True, metadata={
        "description": "the Moderation bonus tier (top, middle, bottom) these figures would reach in the month's "
                       "stored ranking; null outside the pool or before the month has a stored ranking"})
