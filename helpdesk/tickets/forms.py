from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from helpdesk.tickets.models import PRIORITIES, STATUSES


class TicketForm(FlaskForm):
    who = StringField("Who (the member or people involved)",
                      validators=[InputRequired(message="Say who is involved."), Length(max=300)])
    client_id = SelectField("One of your clients (optional)", coerce=lambda v: int(v) if v else None,
                            validators=[Optional()], validate_choice=False)
    what = TextAreaField("What happened", validators=[InputRequired(message="Say what happened."), Length(max=10000)])
    where = StringField("Where (page or feature)", validators=[InputRequired(message="Say where it happened."),
                                                              Length(max=300)])
    when = DateTimeLocalField("When (UTC; empty means now)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    priority = SelectField("Priority", choices=list(PRIORITIES), default="normal")
    note = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])
    attachment = FileField("Attachment (up to 5 MB)")


class TriageForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(s, s.replace("_", " ")) for s in STATUSES])
    priority = SelectField("Priority", choices=list(PRIORITIES))
    assignee_id = SelectField("Assignee", coerce=lambda v: int(v) if v else None, validate_choice=False)


class NoteForm(FlaskForm):
    body = TextAreaField("Note", validators=[InputRequired(message="Write the note."), Length(max=10000)])


class AttachmentForm(FlaskForm):
    file = FileField("File (up to 5 MB)")
