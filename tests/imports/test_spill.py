"""The import's memory is bounded (issue #15): what later lines refer to spills to a temporary table, and an
earlier line far back in the file is still found there, for references, skips and errors alike."""

import pytest
from sqlalchemy import select

from helpdesk.audits.models import Audit
from helpdesk.clients.models import DailyGoal, ProfitRecord, SurveyResponse
from helpdesk.extensions import db
from helpdesk.imports import services, spill
from helpdesk.imports.services import import_lines
from tests.imports.conftest import EXAMPLE, count, line

FILLER = [line(type="user", id=f"filler-{n}", role="support", name=f"Filler {n}") for n in range(12)]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK_LINES", 2)


@pytest.fixture
def spills(monkeypatch):
    """Every Spill the imports make, to look at what stayed in memory."""
    made = []
    real = services.Spill

    def spy(*args):
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(services, "Spill", spy)
    return made


def test_far_references_skips_and_duplicates_are_found_in_the_spill(spills):
    lines = [*EXAMPLE, *FILLER,
             line(type="audit", id="a-2", message="m-2", auditor="filler-0", color="green", at="2026-10-03T09:00:00Z"),
             line(type="daily_goal", client="cl-1", date="2026-10-01", hit=True),      # equal: skipped
             line(type="survey", client="cl-1", at="2026-10-28T12:00:00Z", score=9),    # equal: skipped
             line(type="profit", client="cl-1", date="2026-10-03", amount="120.0", kind="profit"),  # 120.00
             line(type="thread", id="th-1", client="cl-1", subject="Ad platform fee")]  # equal: skipped
    result = import_lines(lines)
    assert result.ok, result.errors
    assert result.skipped == {"thread": 1, "daily_goal": 1, "survey": 1, "profit": 1}
    assert (count(DailyGoal), count(SurveyResponse), count(ProfitRecord), count(Audit)) == (1, 1, 1, 2)
    assert db.session.scalar(select(Audit.coach_id).where(Audit.external_id == "a-2")) is not None
    # Python kept no more than the last two chunks' entries; the rest were written to the table.
    used = spills[0]
    assert used.spilled >= len(lines) - 4
    assert all(len(m.recent) + len(m.older) <= 8 for m in used.maps)


def test_far_duplicates_are_still_errors_with_the_earlier_line():
    lines = [*EXAMPLE, *FILLER,
             line(type="daily_goal", client="cl-1", date="2026-10-01", hit=False),
             line(type="message", id="m-1", thread="th-1", author="cl-1", sent_at="2026-10-01T08:00:00Z",
                  body="Something else"),
             line(type="audit", id="a-9", message="m-2", auditor="au-1", color="green", at="2026-10-03T09:00:00Z")]
    result = import_lines(lines)
    n = len(EXAMPLE) + len(FILLER)
    assert result.errors == [
        f'-:{n + 1}: daily_goal: the daily goal of "cl-1" on 2026-10-01 is on line 10 with hit=true; '
        "one result per client and day",
        f'-:{n + 2}: message "m-1": duplicate id; line 7 has message "m-1" with different fields',
        f'-:{n + 3}: audit "a-9": auditor "au-1" already audited message "m-2" (audit "a-1", line 9); '
        "an auditor audits a message once",
    ]
    assert count(DailyGoal) == 0


def test_only_keys_written_before_are_looked_up(monkeypatch):
    asked = []
    real_select = spill.Spill._select

    def select_and_note(self, maps, keys):
        rows = list(real_select(self, maps, keys))
        asked.append((sorted(keys), sorted(key for _, key, _ in rows)))
        return rows

    monkeypatch.setattr(spill.Spill, "_select", select_and_note)
    assert import_lines(EXAMPLE).ok
    # cl-1 (line 3) is two chunks back for line 7; new ids (m-1, the days, ...) never cost a query.
    assert asked and all(keys == found for keys, found in asked)
    assert ["cl-1"] in [keys for keys, _ in asked]
