"""API shapes for clients. Staff see ClientFactsSchema; a client only ever gets the client-side schemas."""

from marshmallow import Schema, fields, validate

from helpdesk.api_pages import PageArgs
from helpdesk.clients.services import display_money

MAX_ID = 2**31 - 1  # the largest id the database holds: a larger one is a 404/422, never an overflowing query


class MoneyString(fields.String):
    """An exact amount as text: two decimals, or four when it has them; never rounded."""

    def _serialize(self, value, attr, obj, **kwargs):
        return display_money(value)


class ConsentSchema(Schema):
    """The client's consent to show their balance to their coach."""

    client_id = fields.Int(dump_only=True, attribute="id")
    granted = fields.Bool(required=True, attribute="balance_visible_to_coach", data_key="granted")


class RatingInSchema(Schema):
    stars = fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = fields.Str(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RatingSchema(Schema):
    """A client's rating of their current coach, as the client sees it."""

    coach_id = fields.Int(dump_only=True)
    stars = fields.Int(dump_only=True)
    comment = fields.Str(dump_only=True, allow_none=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class SurveyInSchema(Schema):
    score = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=10))


class SurveySchema(Schema):
    id = fields.Int(dump_only=True)
    score = fields.Int(dump_only=True)
    at = fields.AwareDateTime(dump_only=True)


class _Person(Schema):
    id = fields.Int()
    name = fields.Str()


class _Rating(Schema):
    stars = fields.Int()
    comment = fields.Str(allow_none=True)
    updated_at = fields.AwareDateTime()


class _Survey(Schema):
    score = fields.Int()
    at = fields.AwareDateTime()


class ClientFactsSchema(Schema):
    """What staff who can see a client may know (helpdesk.clients.services.client_facts)."""

    id = fields.Int()
    name = fields.Str()
    joined_on = fields.Date(allow_none=True)
    tenure_months = fields.Int(allow_none=True)
    coach = fields.Nested(_Person, allow_none=True)
    rating = fields.Nested(_Rating, allow_none=True)
    last_survey = fields.Nested(_Survey, allow_none=True)
    balance_visible = fields.Bool()
    # Exact, as a string; null unless the client has granted their coach the view.
    balance = MoneyString(allow_none=True)


class UnassignedArgs(PageArgs):
    """`?page=N` of the unassigned queue (bounded, like every list)."""


class _WaitingThread(Schema):
    id = fields.Int()
    subject = fields.Str()
    waiting_since = fields.AwareDateTime()


class UnassignedClientSchema(Schema):
    """A client in the unassigned queue, with their threads waiting for an answer (oldest wait first)."""

    id = fields.Int()
    external_id = fields.Str(allow_none=True)
    name = fields.Str()
    joined_on = fields.Date(allow_none=True)
    waiting_threads = fields.List(fields.Nested(_WaitingThread))


class AssignmentInSchema(Schema):
    coach_id = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_ID))


class AssignmentSchema(Schema):
    id = fields.Int()
    client_id = fields.Int()
    coach_id = fields.Int()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime(allow_none=True)
