"""Jinja filters and globals every page uses: navigation, the bell, times, safe message text."""

import re
from datetime import UTC, datetime

from flask import current_app, request, url_for
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
    if not value:
        return ""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    if fmt == "%Y-%m-%d %H:%M":  # the usual format, without strftime: a quarter of the time (lists show many)
        return f"{value.year}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d} UTC"
    return value.strftime(fmt) + " UTC"


def count(n: int, noun: str) -> str:
    """`n` and the noun, plural unless n is 1: "1 thread", "3 threads", "0 listings"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


FIXED_URLS_KEPT = 256  # more distinct fixed URLs than a template could name means a caller passes varying values


def fixed_url(endpoint: str, **values) -> str:
    """url_for of a URL that is the same on every page (a static file, a route without arguments), built once
    per app and root it is served under. The layout names about a dozen on every page (issue #15). Only for
    constant values: a URL built from the request or the user belongs to url_for."""
    cache = current_app.extensions.setdefault("fixed_urls", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = cache.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        if len(cache) < FIXED_URLS_KEPT:
            cache[key] = url
    return url


def init_app(app) -> None:
    app.jinja_env.filters.update(linkify=linkify, ago=ago, utc=utc, count=count)
    app.jinja_env.globals["fixed_url"] = fixed_url

    @app.context_processor
    def navigation():
        if not current_user.is_authenticated:
            return {"nav": [], "unread_notifications": 0}
        from helpdesk.notifications.services import unread_count

        unread = current_user.unread_notifications
        if unread is None:  # not fetched at sign-in time (e.g. a freshly signed-in user)
            unread = unread_count(current_user.id)
        return {"nav": nav_for(current_user.role, current_user), "unread_notifications": unread}
