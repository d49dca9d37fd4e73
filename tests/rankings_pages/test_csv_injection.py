"""CSV formula injection (#11 item 10): one writer (helpdesk.csv_export) neutralises every export's cells."""

from datetime import date
from decimal import Decimal

import pytest

from helpdesk.clients.models import ProfitRecord
from helpdesk.csv_export import cell, csv_text, neutralise
from helpdesk.extensions import db
from helpdesk.rankings.snapshot import compute_snapshot
from tests.rankings_pages.conftest import AS_OF

EVIL = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.mark.parametrize("text", ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\tx", "\rx", "-2-cmd|' /C calc'!A0"])
def test_formula_starts_are_quoted(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value, text", [(Decimal("-1.50"), "-1.50"), (-3, "-3"), ("-12", "-12"), ("+3.5", "+3.5"),
                                         ("co-ann", "co-ann"), (None, ""), (True, "true"),
                                         (Decimal("1.26E+4"), "12600")])
def test_numbers_and_plain_text_stay(value, text):
    assert cell(value) == text


def test_the_writer_quotes_header_and_cells():
    assert csv_text(["=a", "b"], [["@x", Decimal("-0.10")]]) == "'=a,b\n'@x,-0.10\n"


@pytest.fixture
def evil_coach(program, create_coach, create_client):
    """A coach whose external id (it comes from an import) is a formula, whose client made a loss."""
    coach = create_coach(team_leader=program.leader, name="Eve Coach", external_id=EVIL)
    client = create_client(coach=coach, external_id="cl-eve")
    db.session.add(ProfitRecord(client_id=client.id, date=date(2026, 10, 3), amount=Decimal("-100.00"),
                                kind="profit"))
    compute_snapshot("2026-10", AS_OF)
    db.session.flush()
    return coach


def _eve_line(text):
    return next(line for line in text.splitlines() if "HYPERLINK" in line)


def test_page_download_neutralises_formulas(client, auth, program, evil_coach):
    """Seen failing on the old code: the cell started with '=' (a live formula)."""
    auth.login(program.leader)
    line = _eve_line(client.get("/rankings/2026-10.csv").get_data(as_text=True))
    assert line.startswith("2026-10,\"'=HYPERLINK(")
    assert ",-1.50," in line  # a loss stays a number: base compensation -100.00 * 1.5 %


def test_cli_export_neutralises_formulas(runner, evil_coach):
    """Seen failing on the old code (the same writer serves `helpdesk bonus export --format csv`)."""
    line = _eve_line(runner.invoke(args=["bonus", "export", "2026-10", "--format", "csv"]).output)
    assert line.startswith("2026-10,\"'=HYPERLINK(") and ",-1.50," in line
