"""Ticket pages: the list with filters, filing, the ticket with triage, notes and attachments."""

from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.idempotency import once_per_form
from helpdesk.tickets import attachments, bp, services
from helpdesk.tickets.forms import AttachmentForm, NoteForm, TicketForm, TriageForm
from helpdesk.tickets.models import PRIORITIES, STATUSES, Ticket, TicketAttachment
from helpdesk.tickets.services import FILER_ROLES, TICKET_ROLES, TicketError


def _ticket_or_404(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id)
    return visible_or_404(ticket, services.ticket_visible_to(signed_in_user(), ticket))


@bp.route("/tickets")
@roles_required(*TICKET_ROLES)
def index():
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    priority = request.args.get("priority") if request.args.get("priority") in PRIORITIES else None
    mine = request.args.get("mine") == "1"
    page = db.paginate(services.ticket_list(signed_in_user(), status, priority, mine), per_page=50)
    return render_template("tickets/index.html", page=page, tickets=list(page.items), status=status,
                           priority=priority, mine=mine, statuses=STATUSES, priorities=PRIORITIES,
                           can_file=signed_in_user().role in FILER_ROLES, label=services.label,
                           pager_args={k: v for k, v in (("status", status), ("priority", priority),
                                                         ("mine", "1" if mine else None)) if v})


@bp.route("/tickets/new", methods=["GET", "POST"])
@roles_required(*FILER_ROLES)
@once_per_form
def new():
    form = TicketForm()
    me = signed_in_user()
    clients = db.session.scalars(services.pickable_clients(me)).all()
    form.client_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(c.id), c.name) for c in clients]
    if request.method == "POST":
        if form.validate_on_submit():
            when = form.when.data.replace(tzinfo=UTC) if form.when.data else None
            upload = form.attachment.data
            try:
                # the file is checked before the ticket exists, so a refused upload stores nothing
                data = attachments.read_upload(upload) if upload and upload.filename else None
                if data is not None:
                    attachments.check_size(data)
                ticket = services.file_ticket(me, form.who.data, form.what.data, form.where.data, when,
                                              form.priority.data, form.client_id.data, form.note.data)
                if data is not None:
                    attachments.add_attachment(me, ticket, upload.filename, upload.mimetype, data)
            except TicketError as exc:
                getattr(form, exc.field if exc.field != "file" else "attachment", form.what).errors = [str(exc)]
                return render_template("tickets/new.html", form=form), 400 if exc.status == 422 else exc.status
            db.session.commit()
            flash(f"Ticket #{ticket.id} filed; your team leader has been told.", "info")
            return redirect(url_for("tickets.show", ticket_id=ticket.id))
        return render_template("tickets/new.html", form=form), 400
    return render_template("tickets/new.html", form=form)


def _render_ticket(ticket: Ticket, status: int = 200, **forms):
    me = signed_in_user()
    triage = forms.get("triage") or TriageForm(formdata=None, data={
        "status": ticket.status, "priority": ticket.priority, "assignee_id": ticket.assignee_id})
    assignees = db.session.scalars(services.assignable_users()).all()
    triage.assignee_id.choices = [SelectChoice("", "Unassigned")] + [
        SelectChoice(str(u.id), f"{u.name} ({services.label(u.role)})") for u in assignees]
    reporter_moves = [s for (a, s) in services.REPORTER_TRANSITIONS if a == ticket.status]
    return render_template("tickets/show.html", ticket=ticket, triage=triage,
                           note_form=forms.get("note") or NoteForm(formdata=None),
                           attach_form=AttachmentForm(formdata=None), can_triage=services.can_triage(me, ticket),
                           next_statuses=services.TRANSITIONS[ticket.status], label=services.label,
                           reporter_moves=reporter_moves if ticket.reporter_id == me.id else []), status


@bp.route("/tickets/<int:ticket_id>")
@roles_required(*TICKET_ROLES)
def show(ticket_id):
    return _render_ticket(_ticket_or_404(ticket_id))


@bp.route("/tickets/<int:ticket_id>/update", methods=["POST"])
@roles_required(*TICKET_ROLES)
def update(ticket_id):
    ticket = _ticket_or_404(ticket_id)
    changes = {"status": request.form.get("status") or None}
    if services.can_triage(signed_in_user(), ticket):
        if "priority" in request.form:
            changes["priority"] = request.form["priority"]
        if "assignee_id" in request.form:
            raw = request.form["assignee_id"]
            changes["assignee_id"] = int(raw) if raw.isdigit() else None
    try:
        services.update_ticket(signed_in_user(), ticket, changes)
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(db.session.get(Ticket, ticket_id), exc.status)
    db.session.commit()
    flash("Ticket updated.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id))


@bp.route("/tickets/<int:ticket_id>/notes", methods=["POST"])
@roles_required(*TICKET_ROLES)
def add_note(ticket_id):
    ticket = _ticket_or_404(ticket_id)
    form = NoteForm()
    try:
        services.add_note(signed_in_user(), ticket, form.body.data if form.validate_on_submit() else None)
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(db.session.get(Ticket, ticket_id), 400, note=form)
    db.session.commit()
    return redirect(url_for("tickets.show", ticket_id=ticket.id) + "#notes")


@bp.route("/tickets/<int:ticket_id>/attachments", methods=["POST"])
@roles_required(*TICKET_ROLES)
def add_attachment(ticket_id):
    ticket = _ticket_or_404(ticket_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise TicketError(422, "Choose a file to attach.", field="file")
        attachments.add_attachment(signed_in_user(), ticket, upload.filename, upload.mimetype,
                                   attachments.read_upload(upload))
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(db.session.get(Ticket, ticket_id), exc.status if exc.status != 422 else 400)
    db.session.commit()
    flash("File attached.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id) + "#attachments")


@bp.route("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@roles_required(*TICKET_ROLES)
def download(ticket_id, attachment_id):
    ticket = _ticket_or_404(ticket_id)
    row = db.session.get(TicketAttachment, attachment_id)
    visible_or_404(row, row is not None and row.ticket_id == ticket.id)
    return attachments.download(row)
