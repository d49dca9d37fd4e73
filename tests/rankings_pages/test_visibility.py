"""Who sees which ranking rows, pay included (#11 item 2): the page, the CSV and the API use one rule.

Team leader Tess leads Ann, Bob and Cid (the `program`); Olga leads Dan, who is ranked too. Seen failing on
the old code: Tess and Olga saw all four coaches on every surface.
"""

import re

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.rankings.models import RankingRow
from helpdesk.rankings.reading import row_visible_to, rows_visible_to
from helpdesk.rankings.snapshot import compute_snapshot
from tests.rankings_pages.conftest import AS_OF

EVERYONE = ["co-ann", "co-bob", "co-cid", "co-dan"]
TESS_TEAM = ["co-ann", "co-bob", "co-cid"]


@pytest.fixture
def desk(program, create_user, create_coach, create_client):
    olga = create_user("team_leader", name="Olga Leader")
    dan = create_coach(team_leader=olga, name="Dan Coach", external_id="co-dan")
    create_client(coach=dan, external_id="cl-dan")
    compute_snapshot("2026-10", AS_OF)
    db.session.flush()
    program.olga, program.dan, program.admin = olga, dan, create_user("admin")
    return program


def api_coaches(client, api_headers, user):
    response = client.get("/api/v1/rankings/2026-10", headers=api_headers(user))
    assert response.status_code == 200
    return [r["coach"] for r in response.get_json()["rows"]]


def csv_coaches(client, auth, user):
    auth.login(user)
    response = client.get("/rankings/2026-10.csv")
    assert response.status_code == 200
    return [line.split(",")[1] for line in response.get_data(as_text=True).splitlines()[1:]]


def page_coaches(client, auth, user):
    auth.login(user)
    response = client.get("/rankings?month=2026-10")
    assert response.status_code == 200
    return re.findall(r'<tr data-coach="([^"]+)">', response.get_data(as_text=True))


@pytest.mark.parametrize("who, expected", [("leader", TESS_TEAM), ("olga", ["co-dan"]), ("admin", EVERYONE),
                                           ("bob", ["co-bob"]), ("dan", ["co-dan"])])
def test_api_rows_by_role(client, api_headers, desk, who, expected):
    user = getattr(desk, who) if who not in ("bob",) else desk.bob.coach
    assert api_coaches(client, api_headers, user) == expected


@pytest.mark.parametrize("who, expected", [("leader", TESS_TEAM), ("olga", ["co-dan"]), ("admin", EVERYONE)])
def test_csv_rows_by_role(client, auth, desk, who, expected):
    assert csv_coaches(client, auth, getattr(desk, who)) == expected


@pytest.mark.parametrize("who, expected", [("leader", TESS_TEAM), ("olga", ["co-dan"]), ("admin", EVERYONE)])
def test_page_rows_by_role(client, auth, desk, who, expected):
    assert page_coaches(client, auth, getattr(desk, who)) == expected


def test_page_charts_name_only_visible_coaches(client, auth, desk):
    auth.login(desk.olga)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    assert "co-dan" in html and not any(c in html for c in TESS_TEAM)
    assert "Ann Coach" not in html


def test_coaches_still_cannot_open_the_page_or_csv(client, auth, desk):
    auth.login(desk.bob.coach)
    assert client.get("/rankings?month=2026-10").status_code == 403
    assert client.get("/rankings/2026-10.csv").status_code == 403


def test_the_rule_and_its_sql_twin_agree(desk, create_user):
    rows = db.session.scalars(select(RankingRow)).all()
    users = [desk.leader, desk.olga, desk.admin, desk.bob.coach, desk.dan, create_user("support"),
             create_user("auditor"), create_user("client")]
    for user in users:
        in_sql = set(db.session.scalars(select(RankingRow.id).where(rows_visible_to(user))))
        in_python = {r.id for r in rows if row_visible_to(user, r)}
        assert in_sql == in_python, user.role
