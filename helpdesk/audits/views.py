"""Template helpers for the thread page's partials: the communication area and the "SC Audit" labels.

Both return nothing at all for a client (or anyone who may not open the thread), whatever template
includes them.
"""

from flask import g
from flask_login import current_user

from helpdesk.audits import bp
from helpdesk.audits.area import communication_area
from helpdesk.audits.models import COLOR_LABELS


def audit_area(thread):
    """The communication area of `thread` for the signed-in user (computed once per request)."""
    if thread is None or not current_user.is_authenticated or not current_user.is_staff:
        return None
    cache = g.setdefault("_audit_areas", {})
    if thread.id not in cache:
        cache[thread.id] = communication_area(current_user, thread)
    return cache[thread.id]


def message_audits(message) -> list:
    """The audits carried by one message of the thread being shown; [] for clients."""
    if message is None or not current_user.is_authenticated or not current_user.is_staff:
        return []
    area = audit_area(message.thread)
    return area["by_message"].get(message.id, []) if area else []


def duration(seconds) -> str:
    """'2 d 3 h', '5 h 12 min', '7 min': a span of time for the 24 h clock."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


@bp.app_context_processor
def audit_helpers():
    return {"audit_area": audit_area, "message_audits": message_audits, "audit_color_labels": COLOR_LABELS}


@bp.app_template_filter("duration")
def duration_filter(seconds):
    return duration(seconds)
