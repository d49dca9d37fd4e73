"""Two reviews of one calibration item at the same moment (PostgreSQL, committed rows, two sessions)."""

import threading

import pytest
from sqlalchemy import func, select

from helpdesk.audits.services import AuditError
from helpdesk.auth.models import User
from helpdesk.calibration import services as calibration
from helpdesk.calibration.models import CalibrationItem, CalibrationReview
from helpdesk.extensions import db


def _review_in_thread(app, auditor_id, item_id, color, hold: threading.Event | None, started, outcome):
    with app.app_context():
        try:
            auditor, item = db.session.get(User, auditor_id), db.session.get(CalibrationItem, item_id)
            started.set()
            calibration.review(auditor, item, color)
            if hold is not None:
                hold.wait(5)  # keep the transaction open while the other thread tries
            db.session.commit()
            outcome.append("stored")
        except AuditError as exc:
            db.session.rollback()
            outcome.append(exc.status)
        except Exception as exc:  # noqa: BLE001 - the test reports what escaped
            db.session.rollback()
            outcome.append(type(exc).__name__)
        finally:
            db.session.remove()


@pytest.mark.parametrize("same_auditor", [True, False])
def test_simultaneous_reviews_give_409_not_a_500_and_never_overfill(app, committed_db, create_user, create_coach,
                                                                   create_client, create_thread, create_message,
                                                                   same_auditor):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    coach = create_coach()
    reply = create_message(create_thread(create_client(coach=coach)), coach)
    first, second = create_user("auditor"), create_user("auditor")
    item = calibration.mark(create_user("admin"), reply, reviewers_needed=2)
    calibration.review(create_user("auditor"), item, "green")  # one place left
    db.session.commit()
    ids = (first.id, first.id if same_auditor else second.id, item.id)
    db.session.remove()

    hold, started, outcome = threading.Event(), threading.Event(), []
    one = threading.Thread(target=_review_in_thread, args=(app, ids[0], ids[2], "blue", hold, started, outcome))
    one.start()
    started.wait(5)
    other_started = threading.Event()
    two = threading.Thread(target=_review_in_thread,
                           args=(app, ids[1], ids[2], "yellow", None, other_started, outcome))
    two.start()
    other_started.wait(5)
    two.join(0.5)  # it waits on the first review's lock
    hold.set()
    one.join(10)
    two.join(10)
    assert sorted(outcome, key=str) == sorted(["stored", 409], key=str), outcome
    assert db.session.scalar(select(func.count()).select_from(CalibrationReview)) == 2
