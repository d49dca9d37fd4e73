from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from helpdesk.moderation.models import CATEGORIES, REJECT_REASONS


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


class ListingForm(FlaskForm):
    """A member's listing; the price and photos are checked by the service (one rule, one place)."""

    title = StringField("Title", validators=[InputRequired(message="Give the listing a title."), Length(max=300)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    price = StringField("Price", validators=[InputRequired(message="Give a price in the form 12.50.")])
    category = SelectField("Category", choices=[SelectChoice(k, v) for k, v in CATEGORIES.items()], default="other")
