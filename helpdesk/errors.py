"""Errors: JSON under /api/, pages elsewhere; a signed-out page visit goes to sign-in."""

import logging

import marshmallow as ma
from flask import current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

log = logging.getLogger(__name__)


class Refusal(Exception):
    """A request the rules refuse: `status` is the HTTP status to answer, `field` the input at fault (if any),
    `location` where the API's `errors` object names it ("json" for a body, "query" for a URL argument)."""

    def __init__(self, status: int, message: str, field: str | None = None, location: str = "json"):
        super().__init__(message)
        self.status = status
        self.field = field
        self.location = location

    @property
    def message(self) -> str:
        """What is wrong, without the field's name (a subclass may add the name to str())."""
        return self.args[0]


class Unavailable(Exception):
    """The desk cannot do this right now (the database is down, the upload space is full): answered with
    `status` (503, or 507 for no space), a message saying nothing was saved, and Retry-After."""

    def __init__(self, status: int, message: str, retry_after: int = 30):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


DATABASE_DOWN = "The database is not answering just now, so nothing was saved. Please try again in a minute."


def database_unreachable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (stopped, restarting, connection lost, pool exhausted)."""
    from sqlalchemy import exc

    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError))


def unavailable_response(error: Unavailable):
    """503/507 with Retry-After: the error JSON in the API; a page that reads nothing from the database."""
    name = HTTP_STATUS_CODES.get(error.status, "Service Unavailable")
    if request.path.startswith("/api/"):
        response = jsonify(error_body(error.status, name, str(error)))
    else:
        # Straight from the Jinja environment: the context processors would load the signed-in user.
        template = current_app.jinja_env.get_template("unavailable.html")
        response = make_response(template.render(status=error.status, name=name, message=str(error),
                                                 request=request))
    response.status_code = error.status
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def refusal_response(exc: Refusal):
    """The one answer to a refused request.

    API: the error JSON, naming the field in `errors` when there is one. Pages: 403/404 render as such (they
    must not tell more than a missing page would); anything else is flashed, with its field, and the browser
    goes back to the page it came from (or the home page), so the route's own transaction is never committed.
    """
    from helpdesk.redirects import same_site_referrer

    if request.path.startswith("/api/"):
        name = HTTP_STATUS_CODES.get(exc.status, "error")
        if exc.field:
            body = error_body(exc.status, name, f"{exc.field}: {exc.message}",
                              {exc.location: {exc.field: [exc.message]}})
        else:
            body = error_body(exc.status, name, exc.message)
        return jsonify(body), exc.status
    if exc.status in (401, 403, 404):
        from werkzeug.exceptions import default_exceptions

        error = default_exceptions[exc.status]()
        return render_template("error.html", error=error, message=error.description), exc.status
    flash(f"{exc.field.replace('_', ' ').capitalize()}: {exc.message}" if exc.field else exc.message, "error")
    return redirect(same_site_referrer() or url_for("home.index"))


def error_body(status: int, name: str, message: str, errors=None) -> dict:
    body = {"error": name.lower().replace(" ", "_"), "message": message, "status": status}
    if errors:
        body["errors"] = errors
    return body


def _field_message(errors) -> str:
    """Name the fields at fault in one sentence, e.g. 'color: Must be one of: green, blue, yellow.'"""
    parts = []

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                if key in ("json", "query", "form", "path", "headers", "files", "view_args", "args"):
                    walk(prefix, sub)
                else:
                    walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list):
            text = " ".join(str(v) for v in value)
            parts.append(f"{prefix}: {text}" if prefix else text)

    walk("", errors)
    return "; ".join(parts) or "The request is not valid."


class ErrorSchema(ma.Schema):
    """The body of every API error, as the desk sends it (error_body): what the OpenAPI document shows for
    each operation's default and 422 responses."""

    error = ma.fields.Str(required=True, metadata={"description": "the error's name, e.g. not_found"})
    message = ma.fields.Str(required=True, metadata={"description": "what went wrong, naming the fields"})
    status = ma.fields.Int(required=True, metadata={"description": "the HTTP status"})
    errors = ma.fields.Raw(metadata={"description": "by location (json, query, form): {field: [messages]}; "
                                             "POST /ingest: a list of {index, message}"})


class JsonApi(Api):
    """flask-smorest's Api with the desk's error shape: {"error", "message", "status", "errors"}."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        data = getattr(error, "data", None) or {}
        errors = data.get("messages")
        message = _field_message(errors) if errors else (data.get("message") or error.description)
        response = jsonify(error_body(error.code, error.name, message, errors))
        response.status_code = error.code
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        return response


def init_app(app) -> None:
    app.register_error_handler(Refusal, refusal_response)
    app.register_error_handler(Unavailable, unavailable_response)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if request.path.startswith("/api/"):
            if isinstance(error, CSRFError):
                return jsonify(error_body(400, "csrf_failed", error.description)), 400
            return JsonApi.handle_http_exception(None, error)
        if error.code == 401:
            return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
        if isinstance(error, CSRFError):
            return render_template("error.html", error=error, message="The form expired. Go back, reload and try again."), 400
        return render_template("error.html", error=error, message=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        if database_unreachable(error):
            log.warning("database unreachable on %s %s: %s", request.method, request.path, error.__class__.__name__)
            _forget_session()
            return unavailable_response(Unavailable(503, DATABASE_DOWN))
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        if request.path.startswith("/api/"):
            return jsonify(error_body(500, "internal_error", "Something went wrong on our side.")), 500
        return render_template("error.html", error=InternalServerError(), message="Something went wrong on our side."), 500


def _forget_session() -> None:
    """Drop the request's session after a lost connection (its rollback may fail too: the server is gone)."""
    from helpdesk.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is already lost; the pool replaces it on next checkout
        log.debug("rollback after a lost connection failed", exc_info=True)
