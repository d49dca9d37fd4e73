"""The Rankings page and API come a page at a time (#15); the CSV stays complete; charts cover every row."""

import re

import pytest

import helpdesk.rankings.api as rankings_api
import helpdesk.rankings.routes as rankings_routes


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(rankings_routes, "PER_PAGE", 2)
    monkeypatch.setattr(rankings_api, "PER_PAGE", 2)


def coach_order(html: str) -> list[str]:
    return re.findall(r'<tr data-coach="([^"]+)">', html)


def test_page_by_page_keeping_the_sort(client, auth, program, snapshot, two_a_page):
    auth.login(program.leader)
    first = client.get("/rankings?month=2026-10&sort=mean_response_seconds&dir=desc").get_data(as_text=True)
    assert coach_order(first) == ["co-bob", "co-cid"]
    assert "Page 1 of 2" in first and "3 coaches" in first
    assert re.search(r'href="[^"]*page=2[^"]*sort=mean_response_seconds', first) or \
        re.search(r'href="[^"]*sort=mean_response_seconds[^"]*page=2', first)
    second = client.get("/rankings?month=2026-10&sort=mean_response_seconds&dir=desc&page=2").get_data(as_text=True)
    assert coach_order(second) == ["co-ann"]
    # The tier thresholds still speak of the whole pool, not of the page's rows.
    assert second.count("coach(es) in the pool") == first.count("coach(es) in the pool")
    assert re.findall(r"(\d+) coach\(es\) in the pool", second) == re.findall(r"(\d+) coach\(es\) in the pool", first)


def test_csv_stays_complete(client, auth, program, snapshot, two_a_page):
    auth.login(program.leader)
    lines = client.get("/rankings/2026-10.csv").get_data(as_text=True).splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["co-ann", "co-bob", "co-cid"]


def test_api_pages(client, api_headers, program, snapshot, two_a_page):
    headers = api_headers(program.leader)
    body = client.get("/api/v1/rankings/2026-10", headers=headers).get_json()
    assert [r["coach"] for r in body["rows"]] == ["co-ann", "co-bob"]
    assert (body["page"], body["pages"], body["total"], body["per_page"]) == (1, 2, 3, 2)
    body = client.get("/api/v1/rankings/2026-10?page=2", headers=headers).get_json()
    assert [r["coach"] for r in body["rows"]] == ["co-cid"] and body["month"] == "2026-10"
    assert client.get("/api/v1/rankings/2026-10?page=9", headers=headers).get_json()["rows"] == []


def test_bad_pages_are_refused(client, auth, api_headers, program, snapshot):
    bad = client.get("/api/v1/rankings/2026-10?page=0", headers=api_headers(program.leader))
    assert bad.status_code == 422 and "page" in bad.get_json()["errors"]["query"]
    auth.login(program.leader)
    assert client.get("/rankings?month=2026-10&page=10000000000000000000").status_code == 400
