"""One server-sent event stream: the topics a signed-in user may hear, replay after a reconnect, heartbeats.

Built for gunicorn: a stream holds a thread (run `--worker-class gthread --threads T`), never a database
connection (everything it needs is read before the first byte), and ends after LIVE_STREAM_SECONDS, so a
worker restart or deploy waits at most that long and streams spread over the workers again; the browser's
EventSource reconnects by itself (`retry:`) and sends the last id it saw, from which the stream replays what
it missed (broker.EventLog). A process holds at most LIVE_MAX_STREAMS; beyond that, and on gunicorn's sync
workers (one request at a time: a stream would take the whole worker), the answer is 503 and the page
refreshes itself on a slow timer instead.

What a stream sends is (id: publish time in ms, event: change, data: {"topics": [...], "kind": ...}) for
events on the user's own topics only; no text, no names (see the package docstring).
"""

import json
import threading
import time

from flask import Response, current_app, request

from helpdesk.live.broker import get_broker, now_ms

REPLAY_MARGIN_MS = 2000  # publishers' clocks differ a little; a replayed duplicate is harmless
_active = {"streams": 0}
_active_lock = threading.Lock()


def active_streams() -> int:
    return _active["streams"]


def refusal() -> str | None:
    """Why this process cannot hold one more stream now, or None."""
    environ = request.environ
    if environ.get("SERVER_SOFTWARE", "").startswith("gunicorn") and not environ.get("wsgi.multithread"):
        return "Live updates need a threaded server (gunicorn --worker-class gthread)."
    if active_streams() >= int(current_app.config["LIVE_MAX_STREAMS"]):
        return "Too many live pages are open on this server just now."
    return None


def _last_seen_ms() -> int | None:
    """The id the browser saw last (Last-Event-ID on a reconnect), else the page's render time (`since`)."""
    for raw in (request.headers.get("Last-Event-ID"), request.args.get("since")):
        if raw and raw.isdigit() and len(raw) <= 15:
            return int(raw)
    return None


def _format(event_id: int, kind: str, data: dict | None = None) -> str:
    lines = f"id: {event_id}\n"
    if data is not None:
        lines += f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n"
    return lines + "\n"


def event_stream(topics: frozenset[str]) -> Response:
    """The streaming response for `topics` (already checked: the caller may hear every one of them)."""
    app = current_app._get_current_object()
    log = get_broker(app).log
    seconds = float(app.config["LIVE_STREAM_SECONDS"])
    heartbeat = float(app.config["LIVE_HEARTBEAT_SECONDS"])
    last_seen = _last_seen_ms()
    start_seq = log.last_seq  # before the replay is read: an event arriving between is sent twice, not lost

    def generate():
        with _active_lock:
            _active["streams"] += 1
        try:
            cursor = now_ms() if last_seen is None else last_seen
            yield f"retry: 3000\n{_format(cursor, 'ready', {})}"
            if last_seen is not None:
                since = last_seen - REPLAY_MARGIN_MS
                if not log.covers(since):
                    yield _format(cursor, "refresh", {})
                else:
                    for event in log.since_ts(since):
                        if event.seq <= start_seq and topics.intersection(event.topics):
                            cursor = max(cursor, event.ts)
                            yield _format(cursor, "change", _payload(event, topics))
            seq, deadline, beat_at = start_seq, time.monotonic() + seconds, time.monotonic() + heartbeat
            while (left := deadline - time.monotonic()) > 0:
                log.wait(seq, min(left, max(0.0, beat_at - time.monotonic())), topics)
                for event in log.after(seq):
                    seq = event.seq
                    cursor = max(cursor, event.ts)
                    if topics.intersection(event.topics):
                        yield _format(cursor, "change", _payload(event, topics))
                if time.monotonic() >= beat_at:
                    yield f": heartbeat\n{_format(cursor, '')}"
                    beat_at = time.monotonic() + heartbeat
        finally:
            with _active_lock:
                _active["streams"] -= 1

    return Response(generate(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _payload(event, topics: frozenset[str]) -> dict:
    """What the page hears: which of its own topics changed, and how. Never another user's topics."""
    return {"topics": sorted(topics.intersection(event.topics)), "kind": event.kind}
