"""Ticket pages: the list with filters, filing, the ticket with triage, comments, screenshots and timeline."""

from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from helpdesk.auth.permissions import roles_required, signed_in_user, visible_or_404
from helpdesk.extensions import db
from helpdesk.idempotency import once_per_form
from helpdesk.tickets import attachments, bp, flow, services, views
from helpdesk.tickets.access import FILER_ROLES, TICKET_ROLES, TicketError, label, row_or_none
from helpdesk.tickets.clocks import is_overdue
from helpdesk.tickets.filing import Filing, filing_errors, pickable_clients, pickable_people
from helpdesk.tickets.forms import AttachmentForm, NoteForm, TicketForm, TriageForm
from helpdesk.tickets.models import CATEGORIES, PRIORITIES, STATUSES, Ticket, TicketAttachment
from helpdesk.types import utcnow

# The form's inputs, under the four things support needs.
FORM_FIELD_OF = {"who_ids": "who", "who": "who", "client_id": "who", "what": "what", "links": "what",
                 "screenshots": "what", "where": "where", "when": "when", "times_seen": "when",
                 "still_happening": "when"}
FILES_AGAIN = "Your screenshots were not kept: choose them again before sending."


def ticket_or_404(ticket_id: int) -> Ticket:
    """The ticket if the signed-in user may see it; 404 otherwise."""
    ticket = row_or_none(Ticket, ticket_id)
    return visible_or_404(ticket, services.ticket_visible_to(signed_in_user(), ticket))


@bp.route("/tickets")
@roles_required(*TICKET_ROLES)
def index():
    args = request.args
    status = args.get("status") if args.get("status") in STATUSES else None
    priority = args.get("priority") if args.get("priority") in PRIORITIES else None
    category = args.get("category") if args.get("category") in CATEGORIES else None
    mine, overdue = args.get("mine") == "1", args.get("overdue") == "1"
    now = utcnow()
    page = db.paginate(views.with_people(services.ticket_list(signed_in_user(), status, priority, mine, category,
                                                              overdue=overdue, now=now)), per_page=50)
    return render_template("tickets/index.html", page=page, tickets=list(page.items), status=status,
                           priority=priority, category=category, mine=mine, overdue=overdue, statuses=STATUSES,
                           priorities=PRIORITIES, categories=CATEGORIES, now=now, is_overdue=is_overdue,
                           can_file=signed_in_user().role in FILER_ROLES, label=label,
                           pager_args={k: v for k, v in (("status", status), ("priority", priority),
                                                         ("category", category), ("mine", "1" if mine else None),
                                                         ("overdue", "1" if overdue else None)) if v})


def _filing_of(form: TicketForm) -> Filing:
    still = {"yes": True, "no": False}.get(form.still_happening.data or "")
    return Filing(who=form.who.data or "", who_ids=list(form.who_ids.data or []), what=form.what.data or "",
                  links=[line.strip() for line in (form.links.data or "").splitlines() if line.strip()],
                  where=form.where.data or "",
                  first_seen=form.when.data.replace(tzinfo=UTC) if form.when.data else None,
                  times_seen=form.times_seen.data, still_happening=still)


@bp.route("/tickets/new", methods=["GET", "POST"])
@roles_required(*FILER_ROLES)
@once_per_form
def new():
    form, me = TicketForm(), signed_in_user()
    form.who_ids.choices = [SelectChoice(u.id, f"{u.name} ({label(u.role)})")
                            for u in db.session.scalars(pickable_people(me)).all() if u.id != me.id]
    clients = db.session.scalars(pickable_clients(me)).all()
    form.client_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(c.id), c.name) for c in clients]
    if request.method != "POST":
        return render_template("tickets/new.html", form=form)
    chosen = [s for s in (form.screenshots.data or []) if s and s.filename]
    filing = _filing_of(form)
    try:
        errors = filing_errors(me, filing)
        if not form.validate_on_submit():
            for name, messages in form.errors.items():  # e.g. a date the browser sent malformed
                errors.setdefault(FORM_FIELD_OF.get(name, "what"), " ".join(messages))
        if errors:
            raise TicketError(400, "Some of the four things support needs are missing.")
        # the files are checked before the ticket exists, so a refused upload stores nothing
        files = attachments.read_uploads(chosen)
        attachments.check_images(files)
        ticket = services.file_ticket(me, filing.who, filing.what, filing.where, filing.first_seen,
                                      form.priority.data, form.client_id.data, form.note.data,
                                      who_ids=filing.who_ids, links=filing.links, times_seen=filing.times_seen,
                                      still_happening=filing.still_happening)
        for name, content in files:
            attachments.add_attachment(me, ticket, name, None, content)
    except TicketError as exc:
        if not errors:
            errors = {"screenshots" if exc.field == "file" else (exc.field or "what"): str(exc)}
        for name, message in errors.items():
            getattr(form, {"when": "when", "file": "screenshots"}.get(name, name), form.what).errors = [message]
        status = 400 if exc.status in (400, 422) else exc.status
        return render_template("tickets/new.html", form=form, errors=errors,
                               files_again=FILES_AGAIN if chosen else None), status
    db.session.commit()
    flash(f"Ticket #{ticket.id} filed; your team leader has been told.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id))


def _render_ticket(ticket: Ticket, status: int = 200, **forms):
    me = signed_in_user()
    triage = forms.get("triage") or TriageForm(formdata=None, data={
        "status": ticket.status, "priority": ticket.priority, "category": ticket.category or "",
        "assignee_id": ticket.assignee_id})
    assignees = db.session.scalars(services.assignable_users()).all()
    triage.assignee_id.choices = [SelectChoice("", "Unassigned")] + [
        SelectChoice(str(u.id), f"{u.name} ({label(u.role)})") for u in assignees]
    can_triage = services.can_triage(me, ticket)
    return render_template(
        "tickets/show.html", ticket=ticket, triage=triage, note_form=forms.get("note") or NoteForm(formdata=None),
        attach_form=AttachmentForm(formdata=None), can_triage=can_triage, moves=flow.moves_for(me, ticket),
        label=label, notes=views.visible_notes(me, ticket), links=views.desk_links(me, ticket),
        merged=views.merged_duplicates(me, ticket), internal_ok=services.internal_visible(me, ticket),
        merged_into_visible=ticket.merged_into is not None and services.ticket_visible_to(me, ticket.merged_into),
        overdue=is_overdue(ticket), first_response=views.clocks.first_response_time(ticket),
        resolution=views.clocks.resolution_time(ticket), can_take=me.role == "support" and ticket.assignee_id is None
        and ticket.status != "closed", is_reporter=ticket.reporter_id == me.id), status


@bp.route("/tickets/<int:ticket_id>")
@roles_required(*TICKET_ROLES)
def show(ticket_id):
    return _render_ticket(ticket_or_404(ticket_id))


@bp.route("/tickets/<int:ticket_id>/update", methods=["POST"])
@roles_required(*TICKET_ROLES)
def update(ticket_id):
    ticket = ticket_or_404(ticket_id)
    changes = {"status": request.form.get("status") or None}
    if services.can_triage(signed_in_user(), ticket):
        if "priority" in request.form:
            changes["priority"] = request.form["priority"]
        if "category" in request.form:
            changes["category"] = request.form["category"] or None
        if "assignee_id" in request.form:
            raw = request.form["assignee_id"]
            changes["assignee_id"] = int(raw) if raw.isdigit() else None
    try:
        services.update_ticket(signed_in_user(), ticket, changes)
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(row_or_none(Ticket, ticket_id), exc.status)
    db.session.commit()
    flash("Ticket updated.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id))


@bp.route("/tickets/<int:ticket_id>/notes", methods=["POST"])
@roles_required(*TICKET_ROLES)
def add_note(ticket_id):
    ticket = ticket_or_404(ticket_id)
    form = NoteForm()
    try:
        services.add_note(signed_in_user(), ticket, form.body.data if form.validate_on_submit() else None,
                          internal=bool(form.internal.data))
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(row_or_none(Ticket, ticket_id), 400 if exc.status == 422 else exc.status, note=form)
    db.session.commit()
    return redirect(url_for("tickets.show", ticket_id=ticket.id) + "#notes")


@bp.route("/tickets/<int:ticket_id>/attachments", methods=["POST"])
@roles_required(*TICKET_ROLES)
def add_attachment(ticket_id):
    ticket = ticket_or_404(ticket_id)
    uploads = [s for s in request.files.getlist("file") if s and s.filename]
    try:
        if not uploads:
            raise TicketError(422, "Choose a file to attach.", field="file")
        files = attachments.read_uploads(uploads)
        attachments.check_images(files, already=len(ticket.attachments))  # all checked before any is stored
        for name, content in files:
            attachments.add_attachment(signed_in_user(), ticket, name, None, content)
    except TicketError as exc:
        flash(str(exc), "error")
        return _render_ticket(row_or_none(Ticket, ticket_id), exc.status if exc.status != 422 else 400)
    db.session.commit()
    flash("Screenshot attached.", "info")
    return redirect(url_for("tickets.show", ticket_id=ticket.id) + "#attachments")


@bp.route("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@roles_required(*TICKET_ROLES)
def download(ticket_id, attachment_id):
    ticket = ticket_or_404(ticket_id)
    row = row_or_none(TicketAttachment, attachment_id)
    visible_or_404(row, row is not None and row.ticket_id == ticket.id)
    return attachments.download(row)
