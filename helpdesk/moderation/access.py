"""Who reaches the moderation pages and endpoints, declared at the route."""

from functools import wraps

from flask import abort

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.moderation.services import OVERSIGHT_ROLES, QUEUE_ROLES, can_moderate


def may_oversee(user) -> bool:
    """Team leaders and admins read every listing's history and everyone's accuracy."""
    return user.role in OVERSIGHT_ROLES


def _guard(view, allowed, roles):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not allowed(signed_in_user()):
            abort(404)
        return view(*args, **kwargs)

    guarded = roles_required(*roles)(wrapper)
    guarded.nav_shown_to = allowed  # the navigation hides the page from whom it would 404
    return guarded


def moderators_only(view):
    """Staff who moderate (services.can_moderate); an untrained coach gets 404, as if the queue did not exist
    (issue #12), other roles (team leaders included: they oversee, they do not decide) 403."""
    return _guard(view, can_moderate, QUEUE_ROLES)


def moderators_or_overseers(view):
    """Moderators, and team leaders reading (a listing, accuracy); an untrained coach gets 404."""
    return _guard(view, lambda user: can_moderate(user) or may_oversee(user),
                  (*QUEUE_ROLES, Role.TEAM_LEADER.value))
