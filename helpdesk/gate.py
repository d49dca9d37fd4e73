"""At most REQUEST_CONCURRENCY requests run the app's code at once in one process (issue #15).

gunicorn's gthread worker gives a process GUNICORN_THREADS threads for pages plus LIVE_MAX_STREAMS for live
streams (gunicorn.conf.py), but it cannot tell them apart: under load every one of its 28 threads takes a page.
Python runs one thread at a time in a process (the GIL), so 28 pages at once do not finish sooner than 2; each
waits for the GIL after every database round trip, and the switching costs CPU of its own (bench/RESULTS.md,
"Inbox under load": the figures before and after the gate).

The gate holds a request only while the app computes its answer: a streamed body (a live stream's events) is
iterated by the server after the call returns, so a stream takes a slot only while its route checks who may
hear what, and never blocks pages for the minute it stays open. A request that waits for a slot waits on a
queue (no CPU, no database connection), woken in the order they began to wait (one arriving just then
may go first: the queue is not strictly fair). /healthz (no database, a few microseconds) passes by the
gate, so a process whose pages are all waiting still answers that it is alive.
"""

import queue

UNGATED_PATHS = frozenset({"/healthz"})


class RequestGate:
    """WSGI middleware: `limit` slots; a request runs the wrapped app while it holds one."""

    def __init__(self, wsgi_app, limit: int):
        if limit < 1:
            raise ValueError("a gate needs at least one slot")
        self.wsgi_app = wsgi_app
        self.limit = limit
        # A SimpleQueue of `limit` tokens rather than threading.Semaphore: its get and put are C, where the
        # Semaphore's release runs a Condition's notify in Python, 10 % of the GIL's time under the inbox load
        # (py-spy --gil). A request puts back only the token it took, so there are never more than `limit`.
        self._slots = queue.SimpleQueue()
        for _ in range(limit):
            self._slots.put(None)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in UNGATED_PATHS:
            return self.wsgi_app(environ, start_response)
        self._slots.get()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            self._slots.put(None)


def init_app(app) -> None:
    """Wrap the app in a gate of REQUEST_CONCURRENCY slots (0: no gate, as in the test suite's own process)."""
    limit = int(app.config.get("REQUEST_CONCURRENCY") or 0)
    if limit:
        app.wsgi_app = RequestGate(app.wsgi_app, limit)
