from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from helpdesk.moderation.models import REJECT_REASONS


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=[SelectChoice("approve", "Approve"), SelectChoice("reject", "Reject")],
                          validators=[InputRequired(message="Choose approve or reject.")])
    reason_code = SelectField("Reason (to reject)", choices=[SelectChoice(k, v) for k, v in REJECT_REASONS.items()],
                              default="other",
                              validators=[Optional()])
    reason = TextAreaField("In your words (the seller reads it; required for “Other”)",
                           validators=[Optional(), Length(max=2000)])
    note = TextAreaField("Internal note (moderators only)", validators=[Optional(), Length(max=2000)])


class ReportForm(FlaskForm):
    reason = TextAreaField("What is wrong with this listing?",
                           validators=[InputRequired(message="Say what is wrong with the listing."),
                                       Length(max=2000)])
