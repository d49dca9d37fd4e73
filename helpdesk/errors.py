"""Errors: JSON under /api/, pages elsewhere; a signed-out page visit goes to sign-in."""

import logging

from flask import jsonify, redirect, render_template, request, url_for
from flask_smorest import Api
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class Refusal(Exception):
    """A request the rules refuse: `status` is the HTTP status to answer, `field` the input at fault (if any)."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.field = field


def abort_refusal(exc: Refusal):
    """Answer an API request with the refusal as JSON, naming the field when there is one."""
    from flask_smorest import abort

    if exc.field:
        abort(exc.status, message=f"{exc.field}: {exc}", messages={"json": {exc.field: [str(exc)]}})
    abort(exc.status, message=str(exc))


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


class JsonApi(Api):
    """flask-smorest's Api with the desk's error shape: {"error", "message", "status", "errors"}."""

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
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        if request.path.startswith("/api/"):
            return jsonify(error_body(500, "internal_error", "Something went wrong on our side.")), 500
        return render_template("error.html", error=InternalServerError(), message="Something went wrong on our side."), 500
