"""Run one service call in N threads at the same instant, each in its own app context and session."""

import threading

import pytest

from helpdesk.errors import Refusal
from helpdesk.extensions import db


def needs_postgresql():
    """Races are decided by PostgreSQL's locks and constraints; SQLite has one writer at a time."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race needs PostgreSQL: SQLite serialises writers, so there is nothing to race")


def at_once(app, calls, timeout=20):
    """Run each `call()` in its own thread and session, all released by one barrier, each committing
    its own work; return each outcome in order: the call's result (then committed), a Refusal's status,
    or the name of any other exception that escaped (a 500 in a request)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        with app.app_context():
            try:
                prepared = call()  # loads its rows before the barrier, returns the racing step
                barrier.wait(timeout)
                outcomes[index] = prepared()
                db.session.commit()
            except Refusal as refusal:
                db.session.rollback()
                outcomes[index] = refusal.status
            except Exception as exc:  # noqa: BLE001 - the test reports what escaped
                db.session.rollback()
                outcomes[index] = type(exc).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
