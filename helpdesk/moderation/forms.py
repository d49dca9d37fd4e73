from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=[SelectChoice("approve", "Approve"), SelectChoice("reject", "Reject")],
                          validators=[InputRequired(message="Choose approve or reject.")])
    reason = TextAreaField("Reason (required to reject; the seller reads it)", validators=[Optional(), Length(max=2000)])
    note = TextAreaField("Internal note (moderators only)", validators=[Optional(), Length(max=2000)])


class ReportForm(FlaskForm):
    reason = TextAreaField("What is wrong with this listing?",
                           validators=[InputRequired(message="Say what is wrong with the listing."),
                                       Length(max=2000)])
