"""Two imports of the same file at once give the same result as one (#10 item 6)."""

import os
import threading

import pytest
from sqlalchemy import func, select

from helpdesk.clients.models import ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.imports.services import import_lines
from tests.imports.conftest import line

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="two imports at once need PostgreSQL's concurrent transactions")

USERS = [line(type="user", id=f"race-cl-{n}", role="client", name=f"Client {n}", joined_on="2026-01-05")
         for n in range(5)]


def _idless_file(run: int) -> list[str]:
    """Surveys and profits only (no ids): each run's file is new to the database."""
    out = []
    for n in range(5):
        for day in range(1, 11):
            out.append(line(type="survey", client=f"race-cl-{n}", at=f"2026-{run % 12 + 1:02d}-{day:02d}T12:00:00Z",
                            score=(n + day) % 11))
            out.append(line(type="profit", client=f"race-cl-{n}", date=f"2026-{run % 12 + 1:02d}-{day:02d}",
                            amount=f"{run}.{day:02d}", kind="profit"))
    return out


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_two_imports_of_the_same_idless_file_at_once_store_it_once(app, committed_db):
    """Seen failing on the old code: both imports stored every row (the first run already failed)."""
    assert import_lines(USERS).ok
    db.session.commit()
    runs, importers = 8, 2
    for run in range(runs):
        lines = _idless_file(run)
        barrier = threading.Barrier(importers)
        results, errors = [], []

        def importer(lines, barrier, results, errors, run):
            with app.app_context():
                try:
                    barrier.wait(timeout=10)
                    result = import_lines(lines, source=f"run-{run}")
                    db.session.commit()
                    results.append(result)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    errors.append(repr(exc))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=importer, args=(lines, barrier, results, errors, run)) for _ in range(importers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [] and all(result.ok for result in results), (errors, results)
        # One import stored the file, the other found everything already stored.
        stored = sorted(sum(result.stored.values()) for result in results)
        assert stored == [0, len(lines)], f"run {run}: {stored}"
        db.session.expire_all()
        assert (_count(SurveyResponse), _count(ProfitRecord)) == (50 * (run + 1), 50 * (run + 1)), f"run {run}"
