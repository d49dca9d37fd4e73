from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from helpdesk.moderation.models import CATEGORIES, REJECT_REASONS, REPORT_REASONS


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
    reason_code = SelectField("Reason", choices=[SelectChoice("", "Choose…")] + [
        SelectChoice(k, v) for k, v in REPORT_REASONS.items()], validators=[Optional()])
    reason = TextAreaField("What is wrong with this listing? (required for “Other”)",
                           validators=[Optional(), Length(max=2000)])


class ReviewForm(FlaskForm):
    decision = RadioField("Review", choices=[SelectChoice("keep", "Keep (close the reports)"),
                                             SelectChoice("remove", "Remove (a reject decision)")],
                          validators=[InputRequired(message="Choose keep or remove.")])
    reason_code = SelectField("Reason (to remove)", choices=[SelectChoice(k, v) for k, v in REJECT_REASONS.items()],
                              default="other", validators=[Optional()])
    reason = TextAreaField("In your words (the seller reads it; required for “Other”)",
                           validators=[Optional(), Length(max=2000)])


class ListingForm(FlaskForm):
    """A member's listing; the price and photos are checked by the service (one rule, one place)."""

    title = StringField("Title", validators=[InputRequired(message="Give the listing a title."), Length(max=300)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    price = StringField("Price", validators=[InputRequired(message="Give a price in the form 12.50.")])
    category = SelectField("Category", choices=[SelectChoice(k, v) for k, v in CATEGORIES.items()], default="other")
