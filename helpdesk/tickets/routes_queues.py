"""Work queues: the team leader's triage queue (new tickets, questions, monthly medians) and support's queue
(assigned to me, the unassigned pool); taking and merging."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.auth.models import Role
from helpdesk.auth.permissions import roles_required, signed_in_user
from helpdesk.extensions import db
from helpdesk.tickets import bp, clocks, merging, questions, services
from helpdesk.tickets.access import label, row_or_none
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.routes import ticket_or_404
from helpdesk.tickets.views import with_people
from helpdesk.types import utcnow


@bp.route("/tickets/triage")
@roles_required(Role.TEAM_LEADER.value, Role.ADMIN.value)
def triage():
    """New tickets of the leader's team and the questions waiting for them; overdue ones stand out."""
    me, now = signed_in_user(), utcnow()
    team = with_people(services.visible_tickets(me))
    new = db.session.scalars(team.where(Ticket.status == "new").order_by(Ticket.created_at, Ticket.id)).all()
    waiting = db.session.scalars(questions.questions_for(me, "open").where(
        questions.Question.leader_id == me.id).options(selectinload(questions.Question.asker))).all()
    overdue = db.session.scalars(team.where(clocks.overdue_condition(now), Ticket.status != "new")
                                 .order_by(Ticket.created_at)).all()
    return render_template("tickets/triage.html", new=new, questions=waiting, overdue=overdue, now=now,
                           is_overdue=clocks.is_overdue, label=label,
                           medians=clocks.monthly_medians(services.visible_tickets(me)))


@bp.route("/tickets/queue")
@roles_required(Role.SUPPORT.value, Role.ADMIN.value)
def queue():
    """Support's queue: tickets assigned to me that are not closed, and the unassigned pool (triaged on)."""
    me, now = signed_in_user(), utcnow()
    open_work = Ticket.status.notin_(("closed",))
    mine = db.session.scalars(with_people(select(Ticket)).where(Ticket.assignee_id == me.id, open_work)
                              .order_by(Ticket.created_at, Ticket.id)).all()
    pool = db.session.scalars(select(Ticket).where(Ticket.assignee_id.is_(None), Ticket.status != "new", open_work)
                              .order_by(Ticket.created_at, Ticket.id)).all()
    return render_template("tickets/queue.html", mine=mine, pool=pool, now=now, is_overdue=clocks.is_overdue,
                           label=label)


@bp.route("/tickets/<int:ticket_id>/take", methods=["POST"])
@roles_required(Role.SUPPORT.value)
def take(ticket_id):
    ticket = services.take(signed_in_user(), ticket_or_404(ticket_id))
    db.session.commit()
    flash(f"Ticket #{ticket.id} is yours.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id))


@bp.route("/tickets/<int:ticket_id>/merge", methods=["POST"])
@roles_required(Role.TEAM_LEADER.value, Role.SUPPORT.value, Role.ADMIN.value)
def merge(ticket_id):
    duplicate = ticket_or_404(ticket_id)
    raw = (request.form.get("into") or "").strip().lstrip("#")
    survivor = merging.merge(signed_in_user(), duplicate, row_or_none(Ticket, int(raw)) if raw.isdigit() else None)
    db.session.commit()
    flash(f"Ticket #{duplicate.id} merged into #{survivor.id}.", "info")
    return redirect(url_for("tickets.show", ticket_id=survivor.id))
