"""Ids and numbers out of range are a 404 or a 4xx naming the field, never a 500 (issue 11, item 1).

On PostgreSQL an id of 2^31 or more reaches an INTEGER column as NumericValueOutOfRange, and on SQLite
2^63 does not fit at all: every rule with an int argument, every list's `page`, and the id fields of
bodies and forms are tried here as an admin.
"""

import pytest
from werkzeug.routing.converters import NumberConverter

from helpdesk.extensions import db

HUGE_IDS = (2**31, 2**63)
HUGE = 2**40


@pytest.fixture
def admin_client(client, auth, create_user, api_headers):
    admin = create_user("admin")
    auth.login(admin)
    return client, api_headers(admin)


def _path(rule, value) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = value if isinstance(rule._converters[name], NumberConverter) else "2026-10"
    # Build by hand: url_for() would refuse the value the converter refuses, which is the point here.
    path = rule.rule
    for name, val in values.items():
        path = path.replace(f"<int:{name}>", str(val)).replace(f"<{name}>", str(val))
    return path


def _call(client, headers, method, path, **kwargs):
    if path.startswith("/api/"):
        kwargs["headers"] = headers
    return client.open(path, method=method, **kwargs)


def test_every_rule_with_an_int_argument_refuses_huge_ids(app, admin_client):
    client, headers = admin_client
    problems = []
    int_rules = [r for r in app.url_map.iter_rules()
                 if any(isinstance(c, NumberConverter) for c in r._converters.values())]
    assert len(int_rules) > 40
    for rule in int_rules:
        for value in HUGE_IDS:
            path = _path(rule, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                kwargs = {"json": {}} if path.startswith("/api/") and method != "GET" else {}
                response = _call(client, headers, method, path, **kwargs)
                if response.status_code >= 500:
                    problems.append(f"{method} {path}: {response.status_code}")
                elif response.status_code not in (404, 405):  # 405: werkzeug's answer where a path has two rules
                    problems.append(f"{method} {path}: {response.status_code}, expected 404")
                db.session.rollback()
    assert not problems, problems


def test_every_list_refuses_a_huge_page(app, admin_client):
    client, headers = admin_client
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint in ("static",):
            continue
        response = _call(client, headers, "GET", f"{rule.rule}?page={10**20}")
        if response.status_code >= 500:
            problems.append(f"GET {rule.rule}?page=10**20: {response.status_code}")
        db.session.rollback()
    assert not problems, problems


def test_a_huge_page_is_named(admin_client):
    client, headers = admin_client
    response = client.get(f"/api/v1/threads?page={10**20}", headers=headers)
    assert response.status_code == 422
    assert "page" in response.get_json()["message"]
    assert client.get(f"/inbox?page={10**20}").status_code == 400


def test_id_fields_of_bodies_out_of_range_are_named(admin_client, api_headers, create_client, create_coach,
                                                    create_thread, create_message):
    client, headers = admin_client
    coach = create_coach()
    customer = create_client(coach=coach)
    thread = create_thread(customer)
    create_message(thread, coach)
    from helpdesk.tickets.services import file_ticket

    ticket_id = file_ticket(coach, "A client", "The fee", "Billing").id
    coach_headers = api_headers(coach)
    cases = [
        ("PATCH", f"/api/v1/tickets/{ticket_id}", {"assignee_id": HUGE}, "assignee_id"),
        ("POST", "/api/v1/calibration/items", {"message_id": HUGE}, "message_id"),
        ("POST", f"/api/v1/clients/{customer.id}/assignment", {"coach_id": HUGE}, "coach_id"),
        ("POST", f"/api/v1/clients/{customer.id}/assignment", {"coach_id": str(HUGE)}, "coach_id"),
    ]
    for method, path, body, field in cases:
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 422, (path, response.status_code, response.get_data(as_text=True)[:300])
        assert field in response.get_json()["errors"]["json"], response.get_json()
        db.session.rollback()
    body = {"who": "A client", "what": "The fee", "where": "Billing", "client_id": HUGE}
    response = client.post("/api/v1/tickets", json=body, headers=coach_headers)
    assert response.status_code == 422 and "client_id" in response.get_json()["errors"]["json"]
    response = client.get(f"/api/v1/audits?coach_id={HUGE}", headers=headers)
    assert response.status_code == 422 and "coach_id" in response.get_json()["errors"]["query"]


def test_id_fields_of_forms_out_of_range_are_refused(admin_client, create_client):
    client, _ = admin_client
    customer = create_client()
    for path, data in [("/audits/calibration/mark", {"message_id": str(HUGE)}),
                       (f"/clients/{customer.id}/assign", {"coach_id": str(HUGE)})]:
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, response.status_code)
        assert response.status_code in (302, 400, 404, 422)
        db.session.rollback()


def test_an_id_of_thousands_of_digits_is_named_not_a_500(client, auth, create_coach, create_client, create_thread):
    """Python will not turn more than 4,300 digits into an int; such an id is refused like any out of range
    (a page answers 400, as for a huge page number; the API 422 naming the field)."""
    coach = create_coach()
    thread = create_thread(create_client(coach=coach))
    auth.login(coach)
    big = "9" * 5000
    for url in (f"/inbox/next?after={big}", f"/threads/{thread.id}?insert={big}", f"/inbox?client={big}"):
        assert client.get(url).status_code == 400, url
