"""A NUL character in any text, or JSON nested thousands deep, is a 4xx naming the field (issue 11, item 7).

PostgreSQL cannot hold NUL in text (psycopg raises before the query is sent) and Python's JSON parser raises
RecursionError on deep nesting; neither was a 4xx before. One request hook refuses both for every route.
"""

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.inbox.models import Thread


def test_nul_in_a_json_text_field_is_named_and_nothing_is_stored(client, create_client, create_coach,
                                                                  api_headers):
    customer = create_client(coach=create_coach())
    before = db.session.scalar(select(func.count()).select_from(Thread))
    response = client.post("/api/v1/threads", json={"subject": "Fee\x00", "body": "How?"},
                           headers=api_headers(customer))
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert "subject" in response.get_json()["errors"]["json"]
    assert db.session.scalar(select(func.count()).select_from(Thread)) == before


def test_nul_in_a_form_field_is_refused_and_nothing_is_stored(client, auth, create_client, create_coach):
    customer = create_client(coach=create_coach())
    auth.login(customer)
    before = db.session.scalar(select(func.count()).select_from(Thread))
    response = client.post("/my/threads", data={"subject": "Fee", "body": "How\x00?"})
    assert 400 <= response.status_code < 500 or response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Thread)) == before
    page = client.get("/my/threads")
    assert "Body" in page.get_data(as_text=True)


def test_nul_in_q_is_named(client, auth, create_coach, api_headers):
    coach = create_coach()
    response = client.get("/api/v1/threads?q=fee%00", headers=api_headers(coach))
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]["query"]
    auth.login(coach)
    for path in ("/inbox?q=fee%00", "/marketplace?q=a%00", "/admin/users?q=%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "q: " in response.get_data(as_text=True)


def test_json_nested_5000_deep_is_a_400(client, create_coach, api_headers):
    headers = {**api_headers(create_coach()), "Content-Type": "application/json"}
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000):
        response = client.post("/api/v1/vacations", data=body, headers=headers)
        assert response.status_code == 400, response.status_code
        assert "Nested" in response.get_json()["message"]
    shallow = '{"a":' * 40 + "1" + "}" * 40
    response = client.post("/api/v1/vacations", data=shallow, headers=headers)
    assert response.status_code == 400 and "a.a.a" in response.get_json()["message"]


def test_a_multipart_part_without_a_name_is_not_a_500(client, create_user, api_headers):
    """Werkzeug keys a part sent without a name as None; the input checks met it as text (found by the fuzz
    test): it is refused like any other incomplete form, and a NUL in it is still refused."""
    seller = create_user("client")
    for value in (b"120", b"1\x002"):
        body = (b"--B\r\nContent-Disposition: form-data\r\n\r\n" + value + b"\r\n"
                b"--B\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLamp\r\n--B--\r\n")
        response = client.post("/api/v1/listings", data=body, content_type="multipart/form-data; boundary=B",
                               headers=api_headers(seller))
        assert response.status_code == 422, response.get_data(as_text=True)[:300]
