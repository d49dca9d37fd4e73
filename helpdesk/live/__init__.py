"""Live pages (issue #14): presence on threads and server-sent events that tell open pages what changed.

The stream carries signals only ("thread 12 changed", "your bell changed"), never text or names: a page that
hears one fetches what changed through the ordinary, permission-checked pages (or /live/state for the bell
and presence). So a stream cannot carry another user's data, and every rule of who sees what stays where it is.
"""

from flask import Blueprint

bp = Blueprint("live", __name__)

from helpdesk.live import publish, routes  # noqa: E402,F401


@bp.app_template_global("live_since")
def live_since() -> int:
    """The page's render time in ms: its first stream replays what was published after it."""
    from helpdesk.live.broker import now_ms

    return now_ms()


bp.record_once(lambda state: publish.init_app(state.app))
