"""Jinja filters and globals every page uses: navigation, the bell, times, safe message text."""

import re
from datetime import UTC, datetime

from flask_login import current_user
from markupsafe import Markup, escape

from helpdesk.navigation import nav_for

_URL = re.compile(r"(https?://[^\s<>\"']+)")


def linkify(text: str | None) -> Markup:
    """Plain text made safe for HTML, with http(s) links clickable and line breaks kept; nothing else."""
    if not text:
        return Markup("")
    out = []
    for i, part in enumerate(_URL.split(text)):
        if i % 2:
            trail = ""
            while part and part[-1] in ".,;:!?)":
                trail = part[-1] + trail
                part = part[:-1]
            out.append(Markup('<a href="{0}" rel="noopener nofollow">{0}</a>').format(part) + escape(trail))
        else:
            out.append(escape(part))
    return Markup("").join(out).replace("\n", Markup("<br>"))


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """'3 h ago', '2 d ago': short relative times for lists."""
    if value is None:
        return ""
    seconds = int(((now or datetime.now(UTC)) - value).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def utc(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.astimezone(UTC).strftime(fmt) + " UTC" if value else ""


def count(n: int, noun: str) -> str:
    """`n` and the noun, plural unless n is 1: "1 thread", "3 threads", "0 listings"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def init_app(app) -> None:
    app.jinja_env.filters.update(linkify=linkify, ago=ago, utc=utc, count=count)

    @app.context_processor
    def navigation():
        if not current_user.is_authenticated:
            return {"nav": [], "unread_notifications": 0}
        from helpdesk.notifications.services import unread_count

        unread = current_user.unread_notifications
        if unread is None:  # not fetched at sign-in time (e.g. a freshly signed-in user)
            unread = unread_count(current_user.id)
        return {"nav": nav_for(current_user.role, current_user), "unread_notifications": unread}
