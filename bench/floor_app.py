"""The floor for the inbox under load (issue #15): a Flask page that does the least an inbox page can do.

One indexed query gives the same rows as the coach's inbox view (the threads of the coach's clients, in the
view's order, 25 to a page, with the client's name and the last message's excerpt), rendered by a minimal
Jinja template. No sign-in, no session, no CSRF, no security headers, no counts, no navigation: the coach is
named in the query string (`/inbox?coach=ID&view=waiting`). Served by the same gunicorn, with the same
settings, on the same database as the app, by `bench/inbox_load.py`:

    DATABASE_URL=postgresql://... gunicorn -c gunicorn.conf.py bench.floor_app:app
"""

import os

from flask import Flask, abort, request
from sqlalchemy import create_engine, text

ORDER = {
    # The app's order of each view (helpdesk/inbox/queries.py inbox_select).
    "all": "coalesce(t.last_message_at, t.created_at) DESC, t.id DESC",
    "unread": "coalesce(t.last_message_at, t.created_at) DESC, t.id DESC",
    "waiting": "t.waiting_since, t.id",
    "breached": "t.waiting_since, t.id",
}
WHERE = {
    "all": "true",
    "unread": "t.last_message_at IS NOT NULL AND (r.read_at IS NULL OR r.read_at < t.last_message_at)",
    "waiting": "t.waiting_since IS NOT NULL",
    "breached": "t.waiting_since < now() AT TIME ZONE 'UTC' - interval '24 hours'",
}
ROWS_SQL = """
SELECT t.id, t.subject, u.name, t.waiting_since, t.last_message_at, last.body
FROM assignments a
JOIN users u ON u.id = a.client_id
JOIN threads t ON t.client_id = a.client_id
LEFT JOIN thread_reads r ON r.thread_id = t.id AND r.user_id = :coach
LEFT JOIN LATERAL (SELECT m.body FROM messages m WHERE m.thread_id = t.id
                   ORDER BY m.sent_at DESC, m.id DESC LIMIT 1) last ON true
WHERE a.coach_id = :coach AND a.starts_at <= now() AT TIME ZONE 'UTC'
  AND (a.ends_at IS NULL OR a.ends_at > now() AT TIME ZONE 'UTC') AND {where}
ORDER BY {order}
LIMIT 25
"""
QUERIES = {view: text(ROWS_SQL.format(where=WHERE[view], order=ORDER[view])) for view in ORDER}
PAGE = """<!doctype html><title>Inbox</title><table>
{% for id, subject, name, waiting_since, last, body in rows %}<tr><td>{{ name }}</td>
<td><a href="/threads/{{ id }}">{{ subject }}</a><div>{{ (body or '')[:140] }}</div></td>
<td>{{ waiting_since or '' }}</td><td>{{ last or '' }}</td></tr>{% endfor %}</table>
"""


def create_app() -> Flask:
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    # One connection per gunicorn thread, kept (no pre-ping: the floor pays for nothing it can skip).
    engine = create_engine(url, pool_size=int(os.environ.get("GUNICORN_THREADS", "8")), max_overflow=4)
    app = Flask(__name__)
    page = app.jinja_env.from_string(PAGE)  # compiled once, autoescaped like the app's templates

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/inbox")
    def inbox():
        view = request.args.get("view", "waiting")
        coach = request.args.get("coach", type=int)
        if view not in QUERIES or coach is None:
            abort(404)
        with engine.connect() as conn:
            rows = conn.execute(QUERIES[view], {"coach": coach}).all()
        return page.render(rows=rows)

    return app


app = create_app() if os.environ.get("DATABASE_URL") else None
