"""Who is signed in, and role checks at the route; object visibility lives in each feature's services."""

from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from helpdesk.auth.models import STAFF_ROLES, Role, User


def signed_in_user() -> User:
    """The signed-in User itself, not Flask-Login's proxy: what services take and identity checks compare."""
    return current_user._get_current_object()


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def roles_required(*roles: str):
    """Allow the view only to signed-in users with one of `roles` (401 if signed out, 403 otherwise)."""
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            if getattr(g, "token_scope", "full") != "full" and not getattr(view, "_ingest_allowed", False):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    """Any role but client."""
    return roles_required(*STAFF_ROLES)(view)


def login_required(view):
    """Any signed-in user; 401 otherwise."""
    return roles_required(*(r.value for r in Role))(view)


def allow_ingest_token(view):
    """Let a token scoped to ingest call this view (and no other)."""
    view._ingest_allowed = True
    return view


def visible_or_404(obj, allowed: bool):
    """Return obj if the caller may see it; otherwise 404, so its existence is not confirmed."""
    if obj is None or not allowed:
        abort(404)
    return obj
