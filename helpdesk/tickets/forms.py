from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from helpdesk.tickets.models import CATEGORIES, PRIORITIES, STATUSES


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


class TicketForm(FlaskForm):
    """The filing form; the four required things are checked by filing.filing_errors, not here."""

    who_ids = SelectMultipleField("Who: pick the people involved (your clients and staff)", coerce=int,
                                  validate_choice=False)
    who = StringField("…or paste their profile links or names", validators=[Optional(), Length(max=300)])
    client_id = SelectField("One of your clients (optional)", coerce=_int_or_none, validators=[Optional()],
                            validate_choice=False)
    what = TextAreaField("What happened", validators=[Optional(), Length(max=10000)])
    links = TextAreaField("Links to messages or threads in the desk (one a line)",
                          validators=[Optional(), Length(max=3000)])
    screenshots = MultipleFileField("Screenshots (PNG, JPEG, WebP or GIF; up to 5, 5 MB each)")
    where = StringField("Where: the link of the page where it happened", validators=[Optional(), Length(max=300)])
    when = DateTimeLocalField("When: first seen (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    times_seen = IntegerField("How many times", validators=[Optional(), NumberRange(min=1)])
    still_happening = RadioField("Still happening?", choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
                                 validators=[Optional()], validate_choice=False)
    priority = SelectField("Priority", choices=list(PRIORITIES), default="normal")
    note = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])


class TriageForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(s, s.replace("_", " ")) for s in STATUSES])
    priority = SelectField("Priority", choices=list(PRIORITIES))
    category = SelectField("Category", choices=[SelectChoice("", "—")] + [
        SelectChoice(c, c.replace("_", " ")) for c in CATEGORIES], coerce=lambda v: v or None, validate_choice=False)
    assignee_id = SelectField("Assignee", coerce=_int_or_none, validate_choice=False)


class NoteForm(FlaskForm):
    body = TextAreaField("Reply", validators=[InputRequired(message="Write the reply."), Length(max=10000)])
    internal = BooleanField("Internal note (staff only; the coach never sees it)")


class AttachmentForm(FlaskForm):
    file = MultipleFileField("Screenshot (up to 5 MB)")


class QuestionForm(FlaskForm):
    body = TextAreaField("Your question", validators=[Optional(), Length(max=10000)])
    screenshots = MultipleFileField("Screenshots (optional)")


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer", validators=[Optional(), Length(max=10000)])
