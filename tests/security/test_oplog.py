"""Every state change is logged with who made it and which rows (issue 9, "operations are visible")."""

import logging

from sqlalchemy import update

from helpdesk.auth.models import User
from helpdesk.extensions import db


def _oplines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "helpdesk.oplog"]


def test_a_reply_is_logged_with_its_author_and_rows(client, auth, create_client, create_coach, create_thread,
                                                   caplog):
    coach = create_coach()
    thread = create_thread(create_client(coach=coach))
    auth.login(coach)
    with caplog.at_level(logging.INFO, logger="helpdesk.oplog"):
        response = client.post(f"/threads/{thread.id}/reply", data={"body": "Here is how."})
    assert response.status_code == 302
    lines = _oplines(caplog)
    assert any(line.startswith("oplog op=insert table=messages count=1 ") and f" user={coach.id} " in line
               and f"via=POST /threads/{thread.id}/reply" in line for line in lines), lines
    assert not any("Here is how" in line for line in lines)  # what was written stays private


def test_updates_name_the_changed_columns_and_bulk_statements_are_logged(create_user, caplog):
    user = create_user("coach")
    with caplog.at_level(logging.INFO, logger="helpdesk.oplog"):
        user.name = "Renamed"
        db.session.flush()
        db.session.execute(update(User).where(User.id == user.id).values(active=False))
    lines = _oplines(caplog)
    assert any(f"op=update table=users count=1 ids={user.id} " in line and line.endswith("fields=name")
               for line in lines), lines
    assert any("op=update table=users bulk=1" in line and "fields=active" in line for line in lines), lines


def test_the_demo_refuses_a_database_with_users_it_did_not_create(runner, create_user):
    create_user("coach", external_id="co-real-1")
    result = runner.invoke(args=["demo", "--no-serve", "--skip-migrations", "--scale", "0.07"])
    assert result.exit_code != 0 and "did not create" in result.output
    assert db.session.query(User).count() == 1


def test_the_demo_refuses_production(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "HELPDESK_ENV", "production")
    result = runner.invoke(args=["demo", "--no-serve", "--skip-migrations", "--scale", "0.07"])
    assert result.exit_code != 0 and "HELPDESK_ENV=production" in result.output
    assert db.session.query(User).count() == 0
