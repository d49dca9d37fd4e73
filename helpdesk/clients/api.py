"""API: a client's facts (staff), balance consent, coach ratings and the monthly survey."""

from flask.views import MethodView
from flask_smorest import Blueprint

from helpdesk.auth.models import STAFF_ROLES, User
from helpdesk.auth.permissions import login_required, roles_required, signed_in_user, visible_or_404
from helpdesk.clients import assignments, feedback, services
from helpdesk.clients.schemas import (
    MAX_ID,
    AssignmentInSchema,
    AssignmentSchema,
    ClientFactsSchema,
    ConsentSchema,
    RatingInSchema,
    RatingSchema,
    SurveyInSchema,
    SurveySchema,
)
from helpdesk.errors import Refusal
from helpdesk.extensions import db

blp = Blueprint("clients_api", __name__, url_prefix="/api/v1",
                description="Clients: facts, consent, ratings, surveys, the unassigned queue")


def _visible_client(client_id: int) -> User:
    client = db.session.get(User, client_id) if client_id <= MAX_ID else None
    return visible_or_404(client, services.client_visible_to(signed_in_user(), client))


@blp.route("/clients/<int:client_id>")
@blp.response(200, ClientFactsSchema)
@roles_required(*STAFF_ROLES)
def client_facts(client_id):
    """The facts a coach may see about a client; the balance only while the client grants it."""
    return services.client_facts(signed_in_user(), _visible_client(client_id))


@blp.route("/clients/<int:client_id>/balance-consent")
class BalanceConsent(MethodView):
    @blp.response(200, ConsentSchema)
    @login_required
    def get(self, client_id):
        """Whether the client lets their coach see their balance (the client, or staff who can see them)."""
        return _visible_client(client_id)

    @roles_required("client")
    @blp.arguments(ConsentSchema)
    @blp.response(200, ConsentSchema)
    def put(self, data, client_id):
        """Grant or revoke the coach's view of the balance: the client themself only; effective at once."""
        client = _visible_client(client_id)
        feedback.set_balance_consent(client, data["balance_visible_to_coach"])
        db.session.commit()
        return client


@blp.route("/ratings", methods=["POST"])
@roles_required("client")
@blp.arguments(RatingInSchema)
@blp.response(201, RatingSchema)
@blp.alt_response(200, schema=RatingSchema, description="An existing rating of the same coach, updated")
def rate(data):
    """Rate the caller's current coach 1-5 stars; one rating per client-coach pair, so a second call updates it."""
    rating, created = feedback.rate_coach(signed_in_user(), data["stars"], data.get("comment"))
    db.session.commit()
    return rating, (201 if created else 200)


@blp.route("/surveys", methods=["POST"])
@roles_required("client")
@blp.arguments(SurveyInSchema)
@blp.response(201, SurveySchema)
def answer_survey(data):
    """Answer the monthly 0-10 survey; 409 when already answered this calendar month (UTC)."""
    response = feedback.answer_survey(signed_in_user(), data["score"])
    db.session.commit()
    return response


@blp.route("/clients/<int:client_id>/assignment", methods=["POST"])
@roles_required(*assignments.QUEUE_ROLES)
@blp.arguments(AssignmentInSchema)
@blp.response(201, AssignmentSchema)
def assign(data, client_id):
    """Give the client a coach of the caller's team (any coach for an admin) from now on; a current
    assignment ends at the same instant. 422 for a coach the caller may not assign, 409 if already theirs."""
    client = _visible_client(client_id)
    try:
        assignment = assignments.assign_coach(signed_in_user(), client, db.session.get(User, data["coach_id"]))
    except LookupError:
        visible_or_404(None, False)
    except ValueError as exc:
        raise Refusal(422, str(exc), "coach_id") from exc
    db.session.commit()
    return assignment
