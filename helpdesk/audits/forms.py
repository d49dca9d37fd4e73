"""Page forms of auditing (the API validates with schemas.py)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from helpdesk.audits.models import COLOR_LABELS, COLORS

COLOR_CHOICES = [SelectChoice(c, f"{c.title()} ({COLOR_LABELS[c]})") for c in COLORS]


class AuditForm(FlaskForm):
    color = SelectField("Colour", choices=COLOR_CHOICES)
    comment = TextAreaField("Comment")
    next = HiddenField()


class NoteForm(FlaskForm):
    body = TextAreaField("Note", validators=[DataRequired()])
    next = HiddenField()


class ActForm(FlaskForm):
    message_id = IntegerField("Your better reply", validators=[DataRequired()])
    note = TextAreaField("Note", validators=[Optional()])
    next = HiddenField()


class DisputeForm(FlaskForm):
    reason = TextAreaField("Reason", validators=[DataRequired()])
    next = HiddenField()


class ResolveForm(FlaskForm):
    resolution = SelectField("Decision", choices=[SelectChoice("upheld", "Uphold"), SelectChoice("overturned", "Overturn")])
    next = HiddenField()
