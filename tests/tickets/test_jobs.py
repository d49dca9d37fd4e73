"""The auto-close job through a real RQ worker against the real Redis."""

from datetime import timedelta

from helpdesk import jobs
from helpdesk.extensions import db
from helpdesk.tickets import flow, services
from helpdesk.tickets.models import Ticket
from helpdesk.types import utcnow


def test_auto_close_through_a_real_rq_worker(app, committed_db, redis_url, create_team_leader, create_coach):
    from helpdesk.worker import make_worker

    lea = create_team_leader()
    ann = create_coach(team_leader=lea)
    past = utcnow() - timedelta(days=8)
    ticket = services.file_ticket(ann, "Kim", "done", "/x", now=past)
    for status in ("triaged", "in_progress", "resolved"):
        flow.move(ticket, status, lea, past)
    db.session.commit()
    ticket_id = ticket.id
    jobs.get_queue().empty()
    row = jobs.enqueue("workers.tickets.close_stale_resolved")
    db.session.commit()
    jobs.dispatch_ready()
    make_worker(app, simple=True).work(burst=True)
    db.session.expire_all()
    outbox = db.session.get(jobs.OutboxJob, row.id)
    assert (outbox.status, outbox.progress) == ("finished", 100), outbox.error
    assert outbox.result == {"closed": 1}
    assert db.session.get(Ticket, ticket_id).status == "closed"
