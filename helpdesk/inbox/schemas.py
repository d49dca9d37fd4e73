"""API schemas of the inbox: one thread schema, viewed by role (CTFd style), so what a client may
receive is declared once, in CLIENT_THREAD_FIELDS."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from helpdesk.auth.models import Role


class MessageSchema(Schema):
    id = fields.Int(dump_only=True)
    author_id = fields.Int(dump_only=True)
    author_name = fields.Str(dump_only=True)
    author_role = fields.Str(dump_only=True)
    sent_at = fields.DateTime(dump_only=True)
    body = fields.Str(dump_only=True)
    permalink = fields.Str(dump_only=True)


class ThreadSchema(Schema):
    id = fields.Int(dump_only=True)
    subject = fields.Str(dump_only=True)
    client_id = fields.Int(dump_only=True)
    client_name = fields.Str(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_message_at = fields.DateTime(dump_only=True, allow_none=True)
    unread = fields.Bool(dump_only=True)
    permalink = fields.Str(dump_only=True)
    excerpt = fields.Str(dump_only=True)
    read_by_coach_at = fields.DateTime(dump_only=True, allow_none=True)
    read_by_name = fields.Str(dump_only=True, allow_none=True)
    messages = fields.List(fields.Nested(MessageSchema), dump_only=True)
    # Staff only: the open wait and its badge.
    waiting_since = fields.DateTime(dump_only=True, allow_none=True)
    wait_seconds = fields.Int(dump_only=True, allow_none=True)
    wait_state = fields.Str(dump_only=True, allow_none=True)


STAFF_ONLY_THREAD_FIELDS = ("waiting_since", "wait_seconds", "wait_state")
CLIENT_THREAD_FIELDS = tuple(name for name in ThreadSchema().fields if name not in STAFF_ONLY_THREAD_FIELDS)


def thread_schema_for(user, many: bool = False) -> ThreadSchema:
    """The thread schema view for the caller's role: clients never receive staff-only fields."""
    if user.role == Role.CLIENT.value:
        return ThreadSchema(only=CLIENT_THREAD_FIELDS, many=many)
    return ThreadSchema(many=many)


class ThreadListArgs(Schema):
    view = fields.Str(load_default="all", validate=validate.OneOf(("all", "waiting", "unread", "breached")))
    q = fields.Str(load_default="", validate=validate.Length(max=200))
    client = fields.Int(load_default=None, allow_none=True)
    page = fields.Int(load_default=1, validate=validate.Range(min=1))


class NewThreadSchema(Schema):
    subject = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class NewMessageSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class VacationSchema(Schema):
    id = fields.Int(dump_only=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)

    @validates_schema
    def check_order(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("The last day cannot be before the first day.", field_name="ends_on")
