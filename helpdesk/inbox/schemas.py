"""API schemas of the inbox: one thread schema, viewed by role (CTFd style), so what a client may
receive is declared once, in CLIENT_THREAD_FIELDS, and every endpoint serializes through these."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from helpdesk.api_pages import MAX_PAGE, page_of
from helpdesk.auth.models import Role

MAX_ID = 2**31 - 1  # an id the database can hold: a larger one is a 422, never a query that overflows


class MessageSchema(Schema):
    """A message as the API shows it (a Message row)."""

    id = fields.Int(dump_only=True)
    author_id = fields.Int(dump_only=True)
    author_name = fields.Str(dump_only=True, attribute="author.name")
    author_role = fields.Str(dump_only=True, attribute="author.role")
    sent_at = fields.DateTime(dump_only=True)
    body = fields.Str(dump_only=True)
    permalink = fields.Method("_permalink", dump_only=True)

    def _permalink(self, message) -> str:
        return f"/threads/{message.thread_id}#m{message.id}"


class ThreadSchema(Schema):
    """A thread (the staff view; see ThreadForCallerSchema for what a client gets)."""

    id = fields.Int(dump_only=True)
    subject = fields.Str(dump_only=True)
    client_id = fields.Int(dump_only=True)
    client_name = fields.Str(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_message_at = fields.DateTime(dump_only=True, allow_none=True)
    unread = fields.Bool(dump_only=True)
    permalink = fields.Method("_permalink", dump_only=True)
    excerpt = fields.Str(dump_only=True)
    read_by_coach_at = fields.DateTime(dump_only=True, allow_none=True)
    read_by_name = fields.Str(dump_only=True, allow_none=True)
    messages = fields.List(fields.Nested(MessageSchema), dump_only=True)
    # Staff only: the open wait and its badge.
    waiting_since = fields.DateTime(dump_only=True, allow_none=True)
    wait_seconds = fields.Int(dump_only=True, allow_none=True)
    wait_state = fields.Str(dump_only=True, allow_none=True)

    def _permalink(self, thread) -> str:
        return f"/threads/{thread['id']}"


STAFF_ONLY_THREAD_FIELDS = ("waiting_since", "wait_seconds", "wait_state")
CLIENT_THREAD_FIELDS = tuple(name for name in ThreadSchema().fields if name not in STAFF_ONLY_THREAD_FIELDS)


def thread_schema_for(user, many: bool = False) -> ThreadSchema:
    """The thread schema view for the caller's role: clients never receive staff-only fields."""
    if user.role == Role.CLIENT.value:
        return ThreadSchema(only=CLIENT_THREAD_FIELDS, many=many)
    return ThreadSchema(many=many)


class ThreadForCallerSchema(ThreadSchema):
    """ThreadSchema as the signed-in caller may see it: `thread_schema_for` picks the view at dump time, so
    the endpoints declare one response schema and a client's answer never carries a staff-only field."""

    def dump(self, obj, *, many=None):
        from helpdesk.auth.permissions import signed_in_user

        return thread_schema_for(signed_in_user(), many=self.many if many is None else many).dump(obj)


class ViewCountsSchema(Schema):
    """How many threads each inbox view holds (staff only)."""

    all = fields.Int()
    waiting = fields.Int()
    unread = fields.Int()
    breached = fields.Int()


class ThreadPageSchema(page_of(ThreadForCallerSchema)):
    """One page of threads; staff also get the views' counts."""

    counts = fields.Nested(ViewCountsSchema)


class ThreadListArgs(Schema):
    view = fields.Str(load_default="all", validate=validate.OneOf(("all", "waiting", "unread", "breached")))
    q = fields.Str(load_default="", validate=validate.Length(max=200))
    client = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class NewThreadSchema(Schema):
    subject = fields.Str(required=True, validate=validate.Length(min=1, max=300))
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class NewMessageSchema(Schema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    # The collision guard: the newest message the writer saw; a newer one holds the reply (409) unless `force`.
    last_seen_message_id = fields.Int(load_default=None, allow_none=True,
                                      validate=validate.Range(min=1, max=MAX_ID))
    force = fields.Bool(load_default=False)


class CollisionSchema(Schema):
    """409: messages arrived after `last_seen_message_id`; nothing was sent. Send again with
    `last_seen_message_id` set to the newest of them, or with `"force": true`."""

    error = fields.Str(required=True)
    message = fields.Str(required=True)
    status = fields.Int(required=True)
    newer_messages = fields.List(fields.Nested(MessageSchema), required=True)


class ReadMarkSchema(Schema):
    """The caller's read mark on a thread."""

    thread_id = fields.Int(dump_only=True)
    read_at = fields.DateTime(dump_only=True)


class VacationSchema(Schema):
    id = fields.Int(dump_only=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)

    @validates_schema
    def check_order(self, data, **kwargs):
        if data["ends_on"] < data["starts_on"]:
            raise ValidationError("The last day cannot be before the first day.", field_name="ends_on")


class VacationListSchema(Schema):
    """The caller's vacations (all of them: a short list, not paged)."""

    items = fields.List(fields.Nested(VacationSchema), required=True)
