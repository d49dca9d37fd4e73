"""PostgreSQL stopped or restarted: 503 with Retry-After and a clear message, page and API, and recovery
without restarting the app (issue 10 item 13); the upload temp dir unusable: 503/507 and nothing stored
(item 14)."""

import glob
import io
import os
import shutil
import tempfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from helpdesk.extensions import db
from tests.servers import PostgresServer

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


@pytest.fixture
def own_postgres(tmp_path_factory):
    """A PostgreSQL server of this test's own (tests/servers.py: initdb + pg_ctl as `postgres`, temp dir, spare
    port): yields (url, stop, start)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("PostgreSQL outage: runs when the suite runs on PostgreSQL")
    if not PG_BIN or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip("needs PostgreSQL's initdb/pg_ctl, runuser and root (to run them as postgres)")
    root = tempfile.mkdtemp(prefix="helpdesk-pg-", dir="/tmp")
    shutil.chown(root, "postgres")
    server = PostgresServer(PG_BIN[-1], os.path.join(root, "data"))
    server.init()
    server.start()
    try:
        yield server.url, server.stop, server.start
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.own_app
def test_requests_get_503_while_postgresql_is_down_and_recover(own_postgres):
    from helpdesk import create_app
    from helpdesk.auth.models import User
    from helpdesk.auth.services import create_token, set_password

    url, stop, start = own_postgres
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
                      "TESTING": True, "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://",
                      "SECRET_KEY": "pg-down", "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute",
                      "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}})
    try:
        with app.app_context():
            db.create_all()
            coach = User(role="coach", name="Cora", external_id="co-pg")
            db.session.add(coach)
            set_password(coach, "correct horse battery")
            db.session.flush()
            headers = {"Authorization": f"Bearer {create_token(coach)}"}
            db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"login": "co-pg", "password": "correct horse battery"}).status_code == 302
        assert client.get("/inbox").status_code == 200
        stop()
        for response in (client.get("/inbox"), client.post("/login", data={"login": "x", "password": "y"}),
                         app.test_client().get("/login")):
            assert response.status_code in (503, 200), response.status_code
        page = client.get("/inbox")
        assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
        assert "database is not answering" in page.get_data(as_text=True)
        api = app.test_client().get("/api/v1/threads", headers=headers)
        assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
        assert api.get_json()["status"] == 503 and "database" in api.get_json()["message"]
        start()
        assert client.get("/inbox").status_code == 200
        assert app.test_client().get("/api/v1/threads", headers=headers).status_code == 200
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def unusable_temp_dir(tmp_path, monkeypatch):
    """Point tempfile (where werkzeug spools uploads over 500 KB) at a directory nobody can write to."""
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    # root writes anywhere: then a directory no one can create files in.
    target = str(read_only) if not os.access(read_only, os.W_OK) else "/proc"
    monkeypatch.setattr(tempfile, "tempdir", target)
    yield target
    read_only.chmod(0o755)


def test_upload_with_an_unusable_temp_dir_is_a_clear_503_and_stores_nothing(client, auth, create_coach,
                                                                            api_headers, unusable_temp_dir):
    from helpdesk.tickets.models import TicketAttachment
    from helpdesk.tickets.services import file_ticket

    coach = create_coach()
    ticket = file_ticket(coach, "A client", "The fee", "Billing")
    headers = api_headers(coach)
    auth.login(coach)
    # Encoded in memory: the test client would otherwise spool it to the same temp dir.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"x" * (600 * 1024)), "log.txt")})
    multipart = f"multipart/form-data; boundary={boundary}"
    response = client.post(f"/tickets/{ticket.id}/attachments", content_type=multipart, data=body)
    assert response.status_code == 503 and "nothing was saved" in response.get_data(as_text=True)
    response = client.post(f"/api/v1/tickets/{ticket.id}/attachments", headers=headers, content_type=multipart,
                           data=body)
    assert response.status_code == 503 and "nothing was saved" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(TicketAttachment)) == 0


def test_upload_with_a_full_temp_dir_is_a_507_and_stores_nothing(client, create_coach, api_headers, monkeypatch):
    """A full disk cannot be made here safely, so the temp file's creation fails as a full disk's does."""
    import errno

    from helpdesk.tickets.models import TicketAttachment
    from helpdesk.tickets.services import file_ticket

    coach = create_coach()
    ticket = file_ticket(coach, "A client", "The fee", "Billing")
    headers = api_headers(coach)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(b"x" * (600 * 1024)), "log.txt")})

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full_disk)
    response = client.post(f"/api/v1/tickets/{ticket.id}/attachments", headers=headers, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 507 and response.headers["Retry-After"].isdigit()
    assert "nothing was saved" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(TicketAttachment)) == 0
