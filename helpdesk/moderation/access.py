"""Who reaches the moderation pages and endpoints, declared at the route."""

from functools import wraps

from flask import abort

from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.moderation.services import QUEUE_ROLES, can_moderate


def moderators_only(view):
    """Staff roles that may moderate (services.can_moderate); an untrained coach gets 404, as if the queue did
    not exist (issue #12), other roles 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not can_moderate(signed_in_user()):
            abort(404)
        return view(*args, **kwargs)

    guarded = roles_required(*QUEUE_ROLES)(wrapper)
    guarded.nav_shown_to = can_moderate  # the navigation hides the queue from whom it would 404
    return guarded
