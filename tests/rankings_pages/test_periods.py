"""helpdesk.periods: months, days and periods, and the API, pages and CLI that take them (#9, #11 item 7)."""

from datetime import UTC, date, datetime

import pytest
from marshmallow import Schema, ValidationError

from helpdesk.periods import (
    DayField,
    MonthField,
    Period,
    current_month,
    full_months,
    month_bounds_or_none,
    month_of,
    parse_day,
    parse_month,
    parse_period,
    previous_month,
)


def test_parse_month_bounds_and_refusals():
    assert parse_month("2026-12") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    for bad in ("2026-13", "2026-1", "october", "", None, "0000-01", "9999-12", "10000-01"):
        with pytest.raises(ValueError):
            parse_month(bad)
        assert month_bounds_or_none(bad) is None


def test_months_of_instants():
    now = datetime(2026, 1, 15, 12, tzinfo=UTC)
    assert month_of(now) == current_month(now) == "2026-01"
    assert previous_month(now) == "2025-12"
    assert month_of(date(2026, 3, 31)) == "2026-03"


def test_full_months_is_section_2():
    assert full_months(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert full_months(date(2026, 8, 20), date(2026, 11, 20)) == 3


def test_days_out_of_range_name_the_field():
    assert parse_day("2026-10-01", "from") == date(2026, 10, 1)
    for bad in ("9999-12-31", "0001-01-01"):
        with pytest.raises(ValueError, match="^from: "):
            parse_day(bad, "from")
    with pytest.raises(ValueError, match="^to: "):
        parse_period("2026-10-01", "9999-12-31")
    assert parse_period(date(2026, 10, 1), "2026-10-31") == Period(date(2026, 10, 1), date(2026, 10, 31))


def test_fields_refuse_bad_months_and_days():
    schema = Schema.from_dict({"month": MonthField(), "day": DayField()})()
    assert schema.load({"month": "2026-10", "day": "2026-10-31"}) == {"month": "2026-10", "day": date(2026, 10, 31)}
    with pytest.raises(ValidationError) as err:
        schema.load({"month": "2026-13", "day": "9999-12-31"})
    assert set(err.value.messages) == {"month", "day"}


@pytest.mark.parametrize("query", ["from=0001-01-01&to=9999-12-31", "from=9999-12-31&to=9999-12-31",
                                   "from=2026-10-01&to=9999-12-31"])
def test_sla_api_refuses_out_of_range_days(client, api_headers, create_user, query):
    """Seen failing on the old code: 9999-12-31 raised OverflowError (a 500)."""
    response = client.get(f"/api/v1/sla?{query}", headers=api_headers(create_user("team_leader")))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["query"]) & {"from", "to"}


def test_sla_page_explains_out_of_range_days(client, auth, create_user):
    """Seen failing on the old code (OverflowError). The page re-renders its form with the error, as it does
    for every bad period (tests/sla_pages test_bad_period_is_explained)."""
    auth.login(create_user("team_leader"))
    response = client.get("/sla?from=9999-12-31&to=9999-12-31")
    assert response.status_code == 200 and "from: a date must lie between" in response.get_data(as_text=True)


def test_agreement_api_refuses_out_of_range_days(client, api_headers, create_user):
    """Seen failing on the old code: OverflowError in Period.end (a 500)."""
    response = client.get("/api/v1/calibration/agreement?from=0001-01-01&to=9999-12-31",
                          headers=api_headers(create_user("team_leader")))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["query"]) == {"from", "to"}


def test_rankings_refuse_out_of_range_months(client, api_headers, auth, create_user):
    leader = create_user("team_leader")
    assert client.get("/api/v1/rankings/9999-12", headers=api_headers(leader)).status_code == 422
    auth.login(leader)
    assert client.get("/rankings?month=0000-01").status_code == 400


def test_cli_month_type(runner):
    result = runner.invoke(args=["bonus", "export", "2026-13"])
    assert result.exit_code == 2 and "month must be YYYY-MM" in result.output


def test_audits_api_refuses_a_month_that_is_not_one(client, api_headers, create_user):
    """Seen failing on the old code: the Audits list took 2026-13 (a regex only) and ignored it (200)."""
    response = client.get("/api/v1/audits?month=2026-13", headers=api_headers(create_user("coach")))
    assert response.status_code == 422 and "month" in response.get_json()["errors"]["query"]
    assert client.get("/api/v1/audits?month=2026-10", headers=api_headers(create_user("coach"))).status_code == 200
