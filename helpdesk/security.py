"""Request hardening for the whole app, at one place (issue 11, items 1, 6 and 7).

- Ids in URLs: the app's `int` converter matches only 1..2^31-1 (an INTEGER column's range), so a larger id
  is a 404 at routing, before any query can overflow.
- Ids and pages in query strings, forms and JSON bodies: an id-like field (`id`, `*_id`, `*_ids` and the few
  short names pages use for ids) outside that range, or `page` above `MAX_PAGE`,, is refused naming the field.
- Text: a NUL character in any query argument, form field, JSON string or path segment is refused naming the
  field (PostgreSQL cannot store it in text and answers with an error).
- JSON: a body nested deeper than `MAX_JSON_DEPTH` is refused (Python's parser would otherwise raise
  RecursionError, which Flask does not turn into a 400).

API requests get the desk's JSON error with the field under its location (`errors.query.page`); a page GET
gets the 400 error page naming the field; a form post is refused like any other Refusal (flash, back).

Headers: a small after_request hook rather than flask-talisman: the desk needs six fixed headers and
no-store, its cookies are already configured in config.py, and HTTPS is terminated by the proxy in front
(talisman's redirect and nonce machinery would be unused weight and one more dependency to keep current).
"""

import errno
import logging
import tempfile

from flask import abort, current_app, jsonify, render_template, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from helpdesk.errors import Refusal, Unavailable, error_body
from helpdesk.limits import MAX_ID, MAX_JSON_DEPTH, MAX_PAGE

# Query and form names that carry an id without the `_id` suffix (e.g. /inbox?client=12, /sla?coach=3).
SHORT_ID_NAMES = frozenset({"id", "client", "coach", "job", "team", "assignee", "user", "auditor", "thread",
                            "message", "ticket", "listing", "item",
                            "after", "insert"})  # /inbox/next?after=<thread>, /threads/N?insert=<saved reply>
PAGE_NAMES = frozenset({"page"})

log = logging.getLogger(__name__)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only ids a database INTEGER column can hold: 1..2^31-1 (else a 404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class BadInput(Exception):
    """A request value the desk cannot take at all: `location` (query, form, json, path), `field`, `message`."""

    def __init__(self, location: str, field: str, message: str, status: int = 422):
        super().__init__(message)
        self.location, self.field, self.message, self.status = location, field, message, status


def _is_id_name(name: str) -> bool:
    return name in SHORT_ID_NAMES or name.endswith("_id") or name.endswith("_ids")


def _check_number(location: str, name: str, value) -> None:
    """Refuse an id outside 1..2^31-1 (0 and negatives are left to the route: they are simply not found)
    or a page outside 1..MAX_PAGE; `value` is an int or a string of digits."""
    if isinstance(value, bool):
        return
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            return
        # Python refuses to convert over 4,300 digits; anything past 40 is out of every range anyway.
        value = int(text) if len(text) <= 40 else (-1 if text.startswith("-") else 1) * 10**40
    if not isinstance(value, int):
        return
    if name in PAGE_NAMES and value > MAX_PAGE:  # below 1 each list already answers as it always has
        raise BadInput(location, name, f"Must be a page number from 1 to {MAX_PAGE:,}.")
    if _is_id_name(name) and abs(value) > MAX_ID:
        raise BadInput(location, name, "No such id: ids are at most 2147483647.")


def _check_text(location: str, name: str, value: str) -> None:
    if "\x00" in value:
        raise BadInput(location, name, "Contains a NUL character, which text cannot hold.")


def _check_json(body) -> None:
    """Walk the parsed body without recursion: depth, NUL in keys and strings, ids and pages by name."""
    stack = [(body, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput("json", path or "body", f"Nested more than {MAX_JSON_DEPTH} levels deep.", 400)
        name = path.rsplit(".", 1)[-1]
        if isinstance(value, dict):
            for key, sub in value.items():
                _check_text("json", f"{path}.{key}" if path else key, key)
                stack.append((sub, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                if name.endswith("_ids"):
                    _check_number("json", name, sub)
                stack.append((sub, f"{path}.{index}", depth + 1))
        elif isinstance(value, str):
            _check_text("json", path or "body", value)
            if "." not in path:  # top-level fields are the ones schemas load as ids
                _check_number("json", name, value)
        elif isinstance(value, int) and "." not in path:
            _check_number("json", name, value)


def _parsed_form():
    """request.form, parsed here first for every request: an upload larger than 500 KB is spooled to the
    temp dir, and a full or read-only temp dir is a clear 507/503 (nothing stored), not a 500."""
    try:
        request.files  # noqa: B018 - parses the body (form and files) once, now
        return request.form
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        log.error("upload temp dir unusable (%s): %s", tempfile.gettempdir(), exc)
        raise Unavailable(507 if full else 503,
                          "The server has no room to receive this upload just now, so nothing was saved. "
                          "Please try again later.", retry_after=300) from None


def check_request() -> None:
    """before_request: refuse out-of-range ids and pages, NUL characters and over-deep JSON (module doc)."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and "\x00" in value:
            abort(404)
    for location, values in (("query", request.args), ("form", _parsed_form())):
        for key in values:
            name = key if key is not None else ""  # a multipart part sent without a name: Werkzeug keys it None
            for value in values.getlist(key):
                _check_text(location, name, name)
                _check_text(location, name, value)
                _check_number(location, name, value)
    if request.is_json and request.content_length != 0:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            raise BadInput("json", "body", f"Nested more than {MAX_JSON_DEPTH} levels deep.", 400) from None
        if body is not None:
            _check_json(body)


def bad_input_response(exc: BadInput):
    """API: the desk's JSON error naming the field; a page GET: the error page; a form post: a Refusal."""
    if request.path.startswith("/api/"):
        body = error_body(exc.status, "Unprocessable Entity" if exc.status == 422 else "Bad Request",
                          f"{exc.field}: {exc.message}", {exc.location: {exc.field: [exc.message]}})
        return jsonify(body), exc.status
    if request.method == "GET":
        error = BadRequest()
        return render_template("error.html", error=error, message=f"{exc.field}: {exc.message}"), 400
    from helpdesk.errors import refusal_response

    return refusal_response(Refusal(exc.status, exc.message, field=exc.field))


# Scripts and styles come only from /static (no inline script; the templates load static/*.js). Style
# attributes stay allowed (a progress bar's width); they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response):
    """after_request: the security headers on every response (pages, API, errors).

    Cache-Control: no-store on everything but /static, so no signed-in page, API answer or form with a
    CSRF token is kept by a browser or a shared cache; HSTS only in production (served over HTTPS there).
    """
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("HELPDESK_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/") and "no-store" not in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    """Install the bounded `int` converter (before any blueprint adds its rules), the request checks and
    the security headers."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)
    app.register_error_handler(BadInput, bad_input_response)
    app.after_request(security_headers)
