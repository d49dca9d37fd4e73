"""API: who am I."""

from flask_login import current_user
from flask_smorest import Blueprint

from helpdesk.auth.permissions import login_required
from helpdesk.auth.schemas import MeSchema

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in caller")


@blp.route("")
@blp.response(200, MeSchema)
@login_required
def me():
    """The caller's id, external id, role and name."""
    return current_user
