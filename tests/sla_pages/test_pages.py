"""The SLA page and GET /api/v1/sla: who may see what, and the figures shown."""

import re

import pytest

Q = "?from=2026-10-01&to=2026-10-31"


def row(html: str, external_id: str) -> list[str]:
    match = re.search(rf'<tr data-coach="{external_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {external_id}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", match.group(1), re.S)]


def test_team_leader_sees_their_team_with_figures(client, auth, team):
    auth.login(team.leader)
    response = client.get("/sla" + Q)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert row(html, "co-ann") == ["Ann Coach", "5", "10.40 h", "9.00 h", "30.00 h", "60.0%", "1"]
    assert row(html, "co-bob") == ["Bob Coach", "5", "7.00 h", "4.00 h", "20.00 h", "80.0%", "0"]
    assert 'data-coach="co-cid"' not in html
    assert "<svg" in html and "2026-10-03: 3 sample(s), 1 breach(es)" in html


def test_period_links_keep_the_coach_and_mark_the_current_period(client, auth, team):
    auth.login(team.leader)
    html = client.get("/sla?coach=co-bob").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)"\s+class="(active)?" data-testid="period-link">([^<]+)</a>', html)
    assert [label for _, _, label in links] == ["This month", "Last month", "Last 7 days", "Last 30 days"]
    assert all("coach=co-bob" in href for href, _, _ in links)
    assert [label for _, active, label in links if active] == ["This month"]  # the default period
    last_month = links[1][0].replace("&amp;", "&")
    assert 'data-coach="co-bob"' in client.get(last_month).get_data(as_text=True)


def test_coach_filter_and_other_team_is_404(client, auth, team):
    auth.login(team.leader)
    html = client.get("/sla" + Q + "&coach=co-bob").get_data(as_text=True)
    assert 'data-coach="co-bob"' in html and 'data-coach="co-ann"' not in html
    assert client.get("/sla" + Q + "&coach=co-cid").status_code == 404


def test_admin_sees_every_coach(client, auth, team, create_user):
    auth.login(create_user("admin"))
    html = client.get("/sla" + Q).get_data(as_text=True)
    assert row(html, "co-cid")[1:3] == ["1", "5.00 h"]


def test_bad_period_is_explained(client, auth, team):
    auth.login(team.leader)
    response = client.get("/sla?from=2026-10-05&to=2026-10-01")
    assert response.status_code == 200 and "ends before it starts" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["coach", "support", "auditor", "client"])
def test_other_roles_are_refused(client, auth, create_user, role):
    auth.login(create_user(role))
    assert client.get("/sla").status_code == 403


def test_nav_shows_sla_to_leaders(client, auth, team):
    auth.login(team.leader)
    assert 'href="/sla"' in client.get("/sla").get_data(as_text=True)


def test_api_report(client, api_headers, team):
    response = client.get("/api/v1/sla" + Q, headers=api_headers(team.leader))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["sla_hours"], body["target_hours"]) == ("2026-10-01", "2026-10-31", 24, 9)
    coaches = {c["coach"]: c for c in body["coaches"]}
    assert set(coaches) == {"co-ann", "co-bob"}
    assert coaches["co-ann"] == {"coach": "co-ann", "name": "Ann Coach", "samples": 5, "breaches": 1, "met_target": 3,
                                 "mean_seconds": 37440.0, "median_seconds": 32400.0, "p90_seconds": 108000.0,
                                 "share_within_target": 0.6}
    assert len(body["days"]) == 31
    assert body["days"][2] == {"date": "2026-10-03", "samples": 3, "breaches": 1}


def test_api_filters_and_errors(client, api_headers, team, create_user):
    headers = api_headers(team.leader)
    one = client.get("/api/v1/sla" + Q + "&coach=co-ann", headers=headers).get_json()
    assert [c["coach"] for c in one["coaches"]] == ["co-ann"]
    assert client.get("/api/v1/sla" + Q + "&coach=co-cid", headers=headers).status_code == 404
    bad = client.get("/api/v1/sla?from=yesterday", headers=headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["message"]
    assert client.get("/api/v1/sla", headers=api_headers(team.a)).status_code == 403
    assert client.get("/api/v1/sla").status_code == 401
