"""Fuzzing the API from its own OpenAPI document (issue #11): schemathesis, as each role, bounded.

Every operation of /api/v1/openapi.json is fuzzed as each of the six roles: a fixed number of generated
requests (valid ones, then invalid ones), derandomized (a fixed seed), on the suite's database (SQLite or
PostgreSQL). Two checks: no server error, and every response matches the schema the document declares for
its status. The operations are listed at collection from the document itself, so a new endpoint is fuzzed
without touching this file. (schemathesis's own pytest plugin needs pytest internals that pytest 9 no
longer has, so its strategies are driven with hypothesis directly.)

Known failures would be marked xfail(strict=False) in KNOWN_FAILURES, with the reason; there are none.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from helpdesk import create_app
from helpdesk.auth.models import ROLES
from helpdesk.auth.services import create_token
from helpdesk.config import TestConfig
from helpdesk.extensions import db

EXAMPLES_PER_OPERATION = 5
METHODS = ("get", "post", "put", "patch", "delete")

# "METHOD /path" (and optionally a role) -> why it fails today. Empty: every operation answers without a
# server error and within its declared schema, for every role.
KNOWN_FAILURES: dict[tuple[str, str | None], str] = {}


def _operations() -> list[str]:
    """ "METHOD /path" of every operation in the OpenAPI document (read from an app of its own)."""
    spec = create_app(TestConfig).test_client().get("/api/v1/openapi.json").get_json()
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
            if method in METHODS]


def _cases():
    for label in _operations():
        for role in ROLES:
            reason = KNOWN_FAILURES.get((label, role)) or KNOWN_FAILURES.get((label, None))
            marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
            yield pytest.param(label, role, id=f"{role}-{label}", marks=marks)


@pytest.fixture(scope="session")
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def bearer(app, monkeypatch, create_user, create_coach, create_client, create_thread, create_message):
    """bearer(role) -> the Authorization header of a user of that role, on a small desk (a team, a
    client with a thread and a reply), so some generated ids meet real rows."""
    # A view's exception becomes the 500 a client would see, which not_a_server_error reports.
    monkeypatch.setitem(app.config, "PROPAGATE_TEST_ERRORS", False)
    leader = create_user("team_leader")
    coach = create_coach(team_leader=leader)
    client = create_client(coach=coach)
    thread = create_thread(client, subject="Fuzzed")
    create_message(thread, client, body="Question")
    create_message(thread, coach, body="Answer")
    users = {"client": client, "coach": coach, "team_leader": leader}
    for role in ROLES:
        users.setdefault(role, create_user(role))
    tokens = {role: create_token(user) for role, user in users.items()}
    db.session.flush()
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}


def _check(case, headers):
    response = case.call(headers=headers)
    # Error bodies are checked by test_error_responses_match_the_documented_error_schema (see there).
    checks = [not_a_server_error] + ([response_schema_conformance] if response.status_code < 400 else [])
    case.validate_response(response, checks=checks, headers=headers)


@pytest.mark.parametrize(("label", "role"), list(_cases()))
def test_api_fuzz(api_schema, bearer, label, role):
    operation = api_schema.find_operation_by_label(label)
    headers = bearer(role)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            _check(case, headers)

        try:
            fuzz()
        except Unsatisfiable:  # nothing can be invalid in an operation without parameters or body
            assert mode is GenerationMode.NEGATIVE


def test_error_responses_match_the_documented_error_schema(client, api_headers, create_user):
    import jsonschema_rs  # schemathesis's own validator

    spec = client.get("/api/v1/openapi.json").get_json()
    documented = spec["components"]["schemas"]["Error"]
    coach = api_headers(create_user("coach"))
    for response in (client.get("/api/v1/threads/999999", headers=coach),  # 404
                     client.get("/api/v1/threads?view=nope", headers=coach),  # 422
                     client.get("/api/v1/threads")):  # 401
        assert response.status_code >= 400
        jsonschema_rs.validate(documented, response.get_json())
