"""Communication Quality (metrics.md section 4): answered, standing Yellows, overturns and T."""

from datetime import UTC, datetime

from helpdesk.audits.models import Audit
from helpdesk.extensions import db
from helpdesk.rankings.metrics import communication_quality_counts

T = datetime(2026, 11, 1, tzinfo=UTC)


def _audit(msg, auditor, color, at, resolution=None, resolved_at=None):
    db.session.add(Audit(message_id=msg.id, coach_id=msg.author_id, auditor_id=auditor.id, color=color, at=at,
                         resolution=resolution, resolved_at=resolved_at))
    db.session.flush()


def test_counts_standing_yellows_only(create_user, create_coach, create_client, create_thread, create_message):
    coach = create_coach()
    auditor = create_user("auditor")
    client = create_client(coach=coach)
    thread = create_thread(client)
    oct_ = lambda d, h=12: datetime(2026, 10, d, h, tzinfo=UTC)  # noqa: E731
    m = [create_message(thread, coach, sent_at=oct_(d)) for d in range(1, 8)]
    create_message(thread, client, sent_at=oct_(1, 11))          # client's messages don't count
    create_message(thread, coach, sent_at=datetime(2026, 9, 30, 23, 59, tzinfo=UTC))  # September
    create_message(thread, coach, sent_at=datetime(2026, 11, 1, tzinfo=UTC))  # November
    _audit(m[0], auditor, "yellow", oct_(2))                                      # standing
    # A second auditor's Yellow (one auditor audits a message once: uq_audits_message_auditor).
    _audit(m[0], create_user("auditor"), "yellow", oct_(3))                       # same message: still 1
    _audit(m[1], auditor, "green", oct_(2))                                       # green: no
    _audit(m[2], auditor, "blue", oct_(2))                                        # blue: no
    _audit(m[3], auditor, "yellow", oct_(5), "overturned", oct_(20))               # overturned before T
    _audit(m[4], auditor, "yellow", oct_(5), "overturned", datetime(2026, 11, 2, tzinfo=UTC))  # after T: stands
    _audit(m[5], auditor, "yellow", oct_(5), "upheld", oct_(20))                  # upheld: stands
    _audit(m[6], auditor, "yellow", datetime(2026, 11, 1, tzinfo=UTC))            # made at T: not yet
    assert communication_quality_counts("2026-10", T) == {coach.id: (7, 3)}
    # Earlier T: the audit of m[5] (Oct 5) exists but m[6] (sent Oct 7) is not yet answered.
    assert communication_quality_counts("2026-10", oct_(6)) == {coach.id: (5, 3)}
    # With T before the overturn on Oct 20, the Yellow on m[3] still stands.
    assert communication_quality_counts("2026-10", oct_(19)) == {coach.id: (7, 4)}
    assert communication_quality_counts("2026-10", T, coach_ids=[coach.id + 999]) == {}
