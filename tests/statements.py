"""Counting the SQL statements a page sends, so a test can prove a list page does not send one per row (N+1).

The test's session outlives its requests, so rows the test made are already loaded in its identity map and a
lazy load of them would cost no statement: `statements_for_page` expires them all first, so each one the page
needs is read again, as in a fresh request in production.
"""

from contextlib import contextmanager

from sqlalchemy import event

from helpdesk.extensions import db


@contextmanager
def counted_statements():
    """The statements sent while the block runs: a list of their SQL texts, filled by an event listener."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.session.get_bind()  # the test's connection (or the engine outside a test transaction)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_for_page(client, path: str, **request) -> list[str]:
    """GET `path` (it must answer 200) with nothing loaded yet; the statements it sent."""
    db.session.flush()
    db.session.expire_all()
    with counted_statements() as seen:
        response = client.get(path, **request)
    assert response.status_code == 200, (path, response.status_code)
    return seen
