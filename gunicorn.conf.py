"""gunicorn settings for the desk (`gunicorn -c gunicorn.conf.py wsgi:app`), chosen on 2 cores.

A page is a few milliseconds of Python and a few of PostgreSQL on the same machine, so a process is busy
about half of a request's time: threads let it take the next request while one waits for the database,
and more than one process lets both cores run Python at once (one process holds one core at most, the GIL).
On 2 cores: 3 processes (cores + 1, so one can run Python while another waits for the database) of
4 threads each (12 requests in flight; more only lengthen the queue inside a process while the GIL lets
one thread run at a time). Under `bench/inbox_load.py` (100 signed-in coaches, issue #15, 2026-12-02, on a
shared machine, so +-15 %): 2 processes gave the app 179-212 req/s (34-35 % of the floor's), 3 gave 200-230
(36-41 %), 4 gave 148-215 (37-43 %) but slowed the floor to 404-502 req/s (from 528-601) and doubled the
app's p95; so 3 stays. See bench/RESULTS.md.
Live pages (helpdesk/live) each hold a thread for their server-sent event stream, idle but taken, and never a
database connection; a process takes at most LIVE_MAX_STREAMS of them. So a process has
GUNICORN_THREADS (4) threads for requests plus LIVE_MAX_STREAMS (24) for streams: 28 in all by default.
gunicorn's threads cannot tell a page from a stream, so under load all 28 would take pages, each waiting for the
GIL after every database round trip: the app lets at most REQUEST_CONCURRENCY (2) requests run its code at once
per process (helpdesk/gate.py); the other request threads wait for a slot without CPU. Under bench/inbox_load.py
on 2 cores that took the app from 157-186 to 184-231 req/s (2026-12-02, bench/RESULTS.md).
Set WEB_CONCURRENCY (processes), GUNICORN_THREADS and LIVE_MAX_STREAMS to size it for another machine: about
cores + 1 processes, 4 request threads each; PostgreSQL's max_connections must exceed processes x request
threads (a thread that serves requests keeps one connection in its process's pool).
"""

import os

from helpdesk.config import Config

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:" + os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
live_streams = int(os.environ.get("LIVE_MAX_STREAMS", Config.LIVE_MAX_STREAMS))
threads = int(os.environ.get("GUNICORN_THREADS", "4")) + live_streams
worker_class = "gthread"
keepalive = 5  # seconds a browser's connection is kept between requests (gthread serves it without a thread)
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests (with jitter, so they do not restart together): bounds the
# growth of a long-lived process without costing a restart per minute.
max_requests = 20_000
max_requests_jitter = 2_000
