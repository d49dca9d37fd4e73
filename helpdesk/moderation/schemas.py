"""API shapes for moderation. Staff get ListingSchema; a seller only ever gets SellerListingSchema."""

from marshmallow import Schema, fields, validate

from helpdesk.moderation.services import DECISIONS, VIEWS


class ListingArgs(Schema):
    status = fields.Str(load_default=None, validate=validate.OneOf(VIEWS))
    page = fields.Int(load_default=1, validate=validate.Range(min=1))


class ModeratorRef(Schema):
    id = fields.Int()
    name = fields.Str()


class DecisionSchema(Schema):
    id = fields.Int(dump_only=True)
    listing_id = fields.Int(dump_only=True)
    decision = fields.Str(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    note = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    at = fields.AwareDateTime(dump_only=True)
    moderator = fields.Nested(ModeratorRef, dump_only=True)


class ReportSchema(Schema):
    id = fields.Int(dump_only=True)
    listing_id = fields.Int(dump_only=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    created_at = fields.AwareDateTime(dump_only=True)
    resolved_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class ListingSchema(Schema):
    """A listing as moderators see it: who holds it, reports, and (single listing) the decision history."""

    id = fields.Int()
    title = fields.Str()
    description = fields.Str(allow_none=True)
    seller = fields.Nested(ModeratorRef)
    status = fields.Str()
    submitted_at = fields.AwareDateTime()
    first_decision_at = fields.AwareDateTime(allow_none=True)
    claimed_by = fields.Nested(ModeratorRef, allow_none=True)
    claim_expires_at = fields.AwareDateTime(allow_none=True)
    open_reports = fields.Int()
    decisions = fields.List(fields.Nested(DecisionSchema))


class SellerListingSchema(Schema):
    """What a member may know of a listing: never who moderated it nor moderators' notes."""

    id = fields.Int()
    title = fields.Str()
    description = fields.Str(allow_none=True)
    status = fields.Str()
    submitted_at = fields.AwareDateTime()
    reason = fields.Str(allow_none=True)


class ListingPageSchema(Schema):
    items = fields.List(fields.Dict())
    page = fields.Int()
    pages = fields.Int()
    total = fields.Int()
