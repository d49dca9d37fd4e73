"""An import that grows a table leaves PostgreSQL's planner statistics of it current (issue #15).

Until a table is analyzed the planner keeps the size it last measured. After a bulk import that made the
closing statements, and the next import's lookups of stored ids, hash-join whole tables instead of probing
their indexes (bench/RESULTS.md: 2,000 lookups of unknown message ids took 69 ms instead of 8 ms).
"""

import os

import pytest
from sqlalchemy import event, func, select, text

from helpdesk.extensions import db
from helpdesk.imports import services
from helpdesk.imports.services import import_lines
from helpdesk.inbox.models import Message
from tests.imports.conftest import EXAMPLE

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="planner statistics are PostgreSQL's")


def _reltuples(table: str) -> float:
    return db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})


def _analyzed(monkeypatch, threshold: int) -> list[str]:
    monkeypatch.setattr(services, "ANALYZE_AFTER_ROWS", threshold, raising=False)
    seen = []

    def note(conn, cursor, statement, *args):
        if statement.startswith("ANALYZE ") and statement != "ANALYZE import_threads":
            seen.append(statement.removeprefix("ANALYZE "))

    db.session.execute(text("ANALYZE messages"))  # measured empty: the planner's view before the import
    assert _reltuples("messages") == 0
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        result = import_lines(EXAMPLE)
        assert result.ok, result.errors
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return seen


def test_tables_the_import_grew_are_analyzed_with_its_own_rows(monkeypatch):
    """Seen failing on the old code: messages still measured 0 rows after the import stored 2."""
    analyzed = _analyzed(monkeypatch, threshold=2)
    # The example stores 4 users and 2 messages; 1 of each other kind.
    assert sorted(analyzed) == ["messages", "users"]
    assert _reltuples("messages") == db.session.scalar(select(func.count()).select_from(Message)) == 2


def test_a_small_import_analyzes_nothing(monkeypatch):
    assert _analyzed(monkeypatch, threshold=5) == []
    assert _reltuples("messages") == 0
