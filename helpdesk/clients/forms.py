from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional


class RatingForm(FlaskForm):
    stars = RadioField("Stars", choices=[str(n) for n in range(1, 6)], coerce=int,
                       validators=[InputRequired(message="Choose from 1 to 5 stars.")])
    comment = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=2000)])


class SurveyForm(FlaskForm):
    score = RadioField("Score", choices=[str(n) for n in range(0, 11)], coerce=int,
                       validators=[InputRequired(message="Choose a score from 0 to 10.")])


class ConsentForm(FlaskForm):
    # Sent by one of two buttons ("yes" grants, "no" revokes), so the choice is always explicit.
    granted = RadioField("Let my coach see my balance", choices=["yes", "no"],
                         validators=[InputRequired(message="Choose whether your coach may see your balance.")])


class AssignForm(FlaskForm):
    coach_id = IntegerField("Coach", validators=[InputRequired(message="Choose a coach."), NumberRange(min=1)])
