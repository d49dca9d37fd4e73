"""Page forms of calibration (the API validates with schemas.py)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from helpdesk.audits.forms import COLOR_CHOICES


class MarkCalibrationForm(FlaskForm):
    message_id = IntegerField("Message id", validators=[DataRequired()])
    reviewers_needed = IntegerField("Reviewers", default=3, validators=[NumberRange(2, 20)])
    next = HiddenField()


class ReviewForm(FlaskForm):
    color = SelectField("Colour", choices=COLOR_CHOICES)
    comment = TextAreaField("Comment")
