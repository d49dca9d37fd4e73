"""Where an import reads the stored rows it checks against (lookups.py, services.py `_nothing_written`).

On PostgreSQL the lookups run on the import's side connection when the caller's transaction has written
nothing, so they never wait for the COPY thread; when the caller has rows not yet committed, only the
import's own connection sees them, so the lookups stay there."""

import os

import pytest

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.imports import checker as checker_module
from helpdesk.imports import services
from helpdesk.imports.services import import_lines
from tests.imports.conftest import EXAMPLE, line

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="the side connection is PostgreSQL's")


@pytest.fixture
def lookups(monkeypatch):
    """What each import's Stored ran its lookups on."""
    made = []
    real = checker_module.Stored

    def spy(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(checker_module, "Stored", spy)
    return made


def test_a_fresh_transaction_reads_stored_rows_on_the_side_connection(committed_db, lookups):
    assert import_lines(EXAMPLE).ok
    db.session.commit()
    again = import_lines([*EXAMPLE, line(type="message", id="m-3", thread="th-1", author="co-1",
                                         sent_at="2026-10-02T08:00:00Z", body="A follow-up.")])
    assert again.ok, again.errors
    db.session.commit()
    assert again.stored == {"message": 1}
    assert sum(again.skipped.values()) == len(EXAMPLE)
    stored = lookups[-1]
    assert stored.connection is not db.session
    assert stored.connection.get_execution_options()["isolation_level"] == "AUTOCOMMIT"


def test_rows_the_caller_has_not_committed_are_seen(lookups):
    """The caller's flushed user is visible only on its own connection: the lookups must run there."""
    db.session.add(User(external_id="pending-cl", role="client", name="Pending Client"))
    db.session.flush()
    result = import_lines([line(type="thread", id="th-pending", client="pending-cl", subject="Hello")])
    assert result.ok, result.errors
    assert result.stored == {"thread": 1}
    assert lookups[-1].connection is db.session


def test_a_failure_while_setting_up_gives_the_side_connection_back(monkeypatch):
    """The side connection is taken before the checker and the writer are built: if building them fails,
    it goes back to the pool at once, not when the traceback holding it is collected."""
    def broken(*args, **kwargs):
        raise RuntimeError("the checker could not be built")

    checked_out = db.engine.pool.checkedout()
    monkeypatch.setattr(services, "Checker", broken)
    with pytest.raises(RuntimeError, match="could not be built") as raised:
        import_lines(EXAMPLE)
    assert raised.traceback  # held on purpose: it keeps the failed import's frame alive
    assert db.engine.pool.checkedout() == checked_out
    monkeypatch.undo()
    assert import_lines(EXAMPLE).ok  # the session is usable: the import's savepoint was rolled back
