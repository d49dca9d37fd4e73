"""Two (or more) writers at once, on PostgreSQL with committed rows and real sessions in threads: a ticket
moves once, is taken once, gets at most 5 screenshots, a question is settled once, auto-close closes once."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.tickets import flow, questions, services
from helpdesk.tickets.access import TicketError
from helpdesk.tickets.attachments import add_attachment
from helpdesk.tickets.models import Question, Ticket, TicketAttachment, TicketEvent
from helpdesk.types import utcnow
from tests.tickets.conftest import image_bytes

THREADS = 6
ROUNDS = 5


@pytest.fixture
def postgres(committed_db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks and READ COMMITTED re-checks need PostgreSQL")
    return committed_db


def _race(app, work, args_list):
    """Run work(*args) in one thread per args, all released together by a barrier; return their outcomes."""
    barrier, outcome, lock = threading.Barrier(len(args_list), timeout=10), [], threading.Lock()

    def run(args):
        with app.app_context():
            try:
                prepared = work(*args, barrier=barrier)
                db.session.commit()
                result = prepared if prepared is not None else "ok"
            except TicketError as exc:
                db.session.rollback()
                result = exc.status
            except Exception as exc:  # noqa: BLE001 - the test reports what escaped
                db.session.rollback()
                result = type(exc).__name__
            finally:
                db.session.remove()
            with lock:
                outcome.append(result)

    threads = [threading.Thread(target=run, args=(args,)) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return outcome


def _team(create_team_leader, create_coach, create_user):
    lea = create_team_leader(name="Lea")
    ann = create_coach(team_leader=lea, name="Ann")
    agents = [create_user("support", name=f"Agent {i}") for i in range(THREADS)]
    return lea, ann, agents


def test_a_ticket_moves_once_when_many_triage_it_at_once(app, postgres, create_team_leader, create_coach,
                                                         create_user):
    lea, ann, _ = _team(create_team_leader, create_coach, create_user)
    admins = [create_user("admin") for _ in range(THREADS)]
    tickets = [services.file_ticket(ann, "Kim", f"race {n}", "/x") for n in range(ROUNDS)]
    db.session.commit()
    ids = [t.id for t in tickets]
    admin_ids = [a.id for a in admins]
    db.session.remove()

    def triage(user_id, ticket_id, target, barrier):
        user, ticket = db.session.get(User, user_id), db.session.get(Ticket, ticket_id)
        assert ticket.status == "new"
        barrier.wait()
        services.update_ticket(user, ticket, {"status": target})

    for ticket_id in ids:
        # half move it to triaged, half close it: from 'new' both are allowed, only one may happen
        outcome = _race(app, triage, [(uid, ticket_id, ("triaged", "closed")[i % 2])
                                      for i, uid in enumerate(admin_ids)])
        assert sorted(outcome, key=str) == sorted(["ok"] + [409] * (THREADS - 1), key=str), outcome
        events = db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket_id))
        assert events == 2  # filed, and the one move
        db.session.remove()


def test_a_ticket_is_taken_by_one_agent(app, postgres, create_team_leader, create_coach, create_user):
    lea, ann, agents = _team(create_team_leader, create_coach, create_user)
    tickets = [services.file_ticket(ann, "Kim", f"pool {n}", "/x") for n in range(ROUNDS)]
    for t in tickets:
        services.update_ticket(lea, t, {"status": "triaged"})
    db.session.commit()
    ids, agent_ids = [t.id for t in tickets], [a.id for a in agents]
    db.session.remove()

    def take(user_id, ticket_id, barrier):
        user, ticket = db.session.get(User, user_id), db.session.get(Ticket, ticket_id)
        barrier.wait()
        services.take(user, ticket)

    for ticket_id in ids:
        outcome = _race(app, take, [(uid, ticket_id) for uid in agent_ids])
        assert sorted(outcome, key=str) == sorted(["ok"] + [409] * (THREADS - 1), key=str), outcome
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.assignee_id in agent_ids and ticket.status == "in_progress"
        assert [e.to_status for e in ticket.events] == ["new", "triaged", "in_progress"]
        db.session.remove()


def test_never_more_than_five_screenshots_when_uploads_arrive_at_once(app, postgres, create_team_leader,
                                                                      create_coach, create_user):
    lea, ann, _ = _team(create_team_leader, create_coach, create_user)
    tickets = [services.file_ticket(ann, "Kim", f"shots {n}", "/x") for n in range(ROUNDS)]
    for t in tickets:
        for i in range(3):
            add_attachment(ann, t, f"{i}.png", None, image_bytes())
    db.session.commit()
    ids, ann_id = [t.id for t in tickets], ann.id
    db.session.remove()
    data = image_bytes()

    def upload(ticket_id, barrier):
        user, ticket = db.session.get(User, ann_id), db.session.get(Ticket, ticket_id)
        barrier.wait()
        add_attachment(user, ticket, "more.png", None, data)

    for ticket_id in ids:
        outcome = _race(app, upload, [(ticket_id,)] * THREADS)
        assert sorted(outcome, key=str) == sorted(["ok"] * 2 + [422] * (THREADS - 2), key=str), outcome
        assert db.session.scalar(select(func.count()).where(TicketAttachment.ticket_id == ticket_id)) == 5
        db.session.remove()


def test_a_question_is_answered_or_escalated_not_both(app, postgres, create_team_leader, create_coach, create_user):
    lea, ann, _ = _team(create_team_leader, create_coach, create_user)
    asked = [questions.ask(ann, f"Ticket or not? {n}") for n in range(ROUNDS)]
    db.session.commit()
    ids, lea_id = [q.id for q in asked], lea.id
    db.session.remove()

    def settle(question_id, how, barrier):
        user, question = db.session.get(User, lea_id), db.session.get(Question, question_id)
        barrier.wait()
        if how == "answer":
            questions.answer(user, question, "No")
        else:
            questions.escalate(user, question)

    for question_id in ids:
        outcome = _race(app, settle, [(question_id, ("answer", "escalate")[i % 2]) for i in range(THREADS)])
        assert sorted(outcome, key=str) == sorted(["ok"] + [409] * (THREADS - 1), key=str), outcome
        question = db.session.get(Question, question_id)
        made = db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.where == f"/questions/{question_id}"))
        assert made == (1 if question.status == "escalated" else 0)
        db.session.remove()


def test_two_auto_close_runs_at_once_close_each_ticket_once(app, postgres, create_team_leader, create_coach,
                                                            create_user):
    lea, ann, agents = _team(create_team_leader, create_coach, create_user)
    past = utcnow() - timedelta(days=9)
    for n in range(ROUNDS):
        t = services.file_ticket(ann, "Kim", f"done {n}", "/x", now=past)
        for status in ("triaged", "in_progress", "resolved"):
            flow.move(t, status, lea, past)
    db.session.commit()
    db.session.remove()

    def close(barrier):
        barrier.wait()
        return flow.close_stale_resolved()

    outcome = _race(app, close, [()] * 3)
    assert sum(outcome) == ROUNDS, outcome
    closes = db.session.scalar(select(func.count()).where(TicketEvent.to_status == "closed"))
    assert closes == ROUNDS
