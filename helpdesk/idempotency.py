"""A request that may be sent twice is done once: the API's `Idempotency-Key` header, a form's one-time token.

One rule for both: the key is a row, unique per (user, key), inserted in the same transaction as the work
it guards. A second request with the same key either finds the row (the first committed) and gets the
first's answer back, or blocks on the unique index while the first is still running and then finds it; if
the first failed, its row was rolled back with its work and the second does the work itself. So the work is
never stored twice, and a request that answered an error left no key behind (it can simply be sent again).

- API (`@idempotent`): the same key within 24 h answers the first request's status and JSON body (with the
  header `Idempotent-Replayed: true`), as Stripe does; the same key with another body or path is a 422; a
  key whose first request has committed its work but not yet recorded its answer (a view that commits on
  its own, then the answer is recorded) is a 409 with Retry-After.
- Forms (`@once_per_form` + `{{ form_token() }}` in the template): the hidden `form_token` is consumed with
  the write; a second POST of the same form is sent to where the first went (its redirect).

A decorated view need not commit: the decorator commits once the answer is built (so the work, the key and
the answer are one transaction, and nothing is read from the database after the commit). A view that
commits on its own still works: its key commits with its work and the answer is recorded just after.
"""

import hashlib
import json
import secrets
from datetime import timedelta
from functools import wraps

from flask import Response, make_response, redirect, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.types import UTCDateTime, utcnow

HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 200


class IdempotencyKey(db.Model):
    """One key a user sent (API header, or `form:` + a form's token), and the answer its request gave."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(210))
    # sha256 of method, path and body: the same key with another request is refused, not replayed.
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # The answer, once recorded: status, JSON body (API) or redirect target (forms).
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(db.Text)
    location: Mapped[str | None] = mapped_column(String(2000))


class KeyReused(Refusal):
    """The key was used for another request."""

    def __init__(self, field: str = HEADER):
        super().__init__(422, "This key was already used for a different request.", field)


class KeyInProgress(Refusal):
    """The key's first request has done its work but its answer is not recorded yet."""

    def __init__(self):
        super().__init__(409, "A request with this Idempotency-Key is still being processed; retry shortly.",
                         HEADER)


def _request_hash() -> str:
    if request.is_json:
        body = json.dumps(request.get_json(silent=True), sort_keys=True, separators=(",", ":"))
    elif request.form:
        body = json.dumps(sorted((k, v) for k, v in request.form.items(multi=True) if k != FORM_FIELD))
    else:
        body = request.get_data(as_text=True)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                          IdempotencyKey.key == key))


def claim(user_id: int, key: str, request_hash: str) -> tuple[IdempotencyKey | None, bool]:
    """Insert the key's row (flushed, not committed) and return `(row, True)`; or `(row, False)` with the
    row of a request that already holds it (committed by another transaction). Blocks, on PostgreSQL, while
    another transaction holds the same key uncommitted. A row older than 24 h is forgotten and claimed anew."""
    found = _find(user_id, key)
    if found is not None and found.created_at < utcnow() - KEEP_FOR:
        db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == found.id))
        found = None
    if found is not None:
        return found, False
    row = IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another request inserted it first and has committed since
        return _find(user_id, key), False
    return row, True


def _record(row_id: int, response: Response) -> None:
    row = db.session.get(IdempotencyKey, row_id)
    if row is None:  # the view rolled back its own transaction: nothing was stored, nothing to answer
        return
    row.status_code = response.status_code
    if response.is_json:
        row.response_body = response.get_data(as_text=True)
    row.location = response.headers.get("Location")


def _replay(row: IdempotencyKey) -> Response:
    if row.status_code is None:
        raise KeyInProgress()
    if row.location and 300 <= row.status_code < 400:
        response = redirect(row.location, code=row.status_code)
    else:
        response = Response(row.response_body or "", status=row.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _guarded(key: str, view, args, kwargs, reused_field: str):
    request_hash = _request_hash()
    row, mine = claim(current_user.id, key, request_hash)
    if row is None:  # the holder's row went away between its insert and our look (it expired): try again
        raise KeyInProgress()
    if not mine:
        if row.request_hash != request_hash:
            raise KeyReused(reused_field)
        return _replay(row)
    row_id = row.id  # an id, not the object: a view that commits on its own expires every loaded object
    try:
        response = make_response(view(*args, **kwargs))
    except Exception:
        _release(row_id)
        raise
    if response.status_code < 400:
        _record(row_id, response)
        db.session.commit()
    else:
        _release(row_id)
    return response


def _release(row_id: int) -> None:
    """A refused request gives its key back (the request's rollback does too; this says so where it matters)."""
    try:
        with db.session.begin_nested():
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
    except Exception:  # noqa: BLE001 - a failed transaction is rolled back whole, key included
        pass


def idempotent(view):
    """API views: honour an `Idempotency-Key` header (see the module docstring); without one, just run the
    view and commit its work once its answer is built. Place it under `@roles_required` and above
    `@blp.arguments`/`@blp.response`, so it sees the finished response."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            response = make_response(view(*args, **kwargs))
            if response.status_code < 400:
                db.session.commit()
            return response
        if len(key) > MAX_KEY_LENGTH:
            raise Refusal(422, f"At most {MAX_KEY_LENGTH} characters.", HEADER)
        return _guarded(key, view, args, kwargs, HEADER)

    _document_header(wrapper)
    return wrapper


def _document_header(wrapper) -> None:
    """Tell the OpenAPI document about the header (flask-smorest's manual doc of the view)."""
    from copy import deepcopy

    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
    manual = wrapper._apidoc.setdefault("manual_doc", {})
    manual["parameters"] = [*manual.get("parameters", []), {
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
        "description": "Makes a retry safe: the same key within 24 h answers the first request's result "
                       "instead of doing the work again (422 if reused with another request)."}]


def once_per_form(view):
    """Page POST views: the form's hidden `form_token` makes a double submit store once; the second POST
    gets the first's redirect. A POST without a token (an old page still open) is served as before."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        token = request.form.get(FORM_FIELD, "").strip()[:MAX_KEY_LENGTH]
        if not token:
            return view(*args, **kwargs)
        return _guarded(f"form:{token}", view, args, kwargs, FORM_FIELD)

    return wrapper


def new_form_token() -> str:
    """A fresh one-time token for a form's hidden `form_token` field."""
    return secrets.token_urlsafe(18)


def form_token_field() -> str:
    """The hidden input a form includes (`{{ form_token_field() }}` in a template)."""
    from markupsafe import Markup

    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{new_form_token()}">')


def purge_expired(now=None) -> int:
    """Delete keys older than 24 h (they no longer replay); return how many."""
    cutoff = (now or utcnow()) - KEEP_FOR
    return db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
