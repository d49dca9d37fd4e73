"""Rankings API: a month's stored ranking, starting its computation, and any job's status."""

from flask import current_app, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest import abort as api_abort

from helpdesk.api_pages import PageArgs
from helpdesk.auth.models import ROLES
from helpdesk.auth.permissions import roles_required, visible_or_404
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob, enqueue
from helpdesk.rankings.reading import PER_PAGE, read_ranking
from helpdesk.rankings.schemas import ComputeArgs, JobIdSchema, JobSchema, RankingSchema
from helpdesk.rankings.views import COMPUTE_JOB, api_record, job_visible_to, valid_month

blp = Blueprint("rankings_api", __name__, url_prefix="/api/v1", description="Monthly rankings and jobs")


def _month_or_422(month: str) -> str:
    try:
        return valid_month(month)
    except ValueError as exc:
        api_abort(422, messages={"path": {"month": [str(exc)]}})


@blp.route("/rankings/<month>")
@roles_required("team_leader", "admin", "coach")
@blp.arguments(PageArgs, location="query")
@blp.response(200, RankingSchema)
def get_ranking(args, month):
    """The month's stored ranking (metrics.md section 10), by coach, 100 rows a page: a team leader gets their
    team's rows, a coach their own row, an admin every row. The complete export is the CSV."""
    month = _month_or_422(month)
    ranking = read_ranking(month, current_user, page=args["page"], per_page=PER_PAGE)
    if ranking is None:
        api_abort(404, message=f"No ranking is stored for {month}.")
    snapshot = ranking.snapshot
    return {"month": month, "as_of": snapshot.as_of, "computed_at": snapshot.computed_at,
            "provisional": snapshot.provisional, "rows": [api_record(r) for r in ranking.rows],
            "page": ranking.page, "pages": ranking.pages, "total": ranking.total, "per_page": PER_PAGE}


@blp.route("/rankings/<month>/compute", methods=["POST"])
@roles_required("team_leader", "admin")
@blp.arguments(ComputeArgs, location="json", required=False)
@blp.response(202, JobIdSchema)
def compute_ranking(args, month):
    """Start computing the month's ranking as of `as_of` (default now); poll `status_url` for progress."""
    month = _month_or_422(month)
    as_of = args.get("as_of")
    job = enqueue(COMPUTE_JOB, month, as_of.isoformat() if as_of else None, requested_by=current_user,
                  timeout=current_app.config["JOB_TIMEOUT"])
    db.session.commit()
    return {"job_id": job.id, "status": job.status, "status_url": url_for("rankings_api.get_job", job_id=job.id)}


@blp.route("/jobs/<int:job_id>")
@roles_required(*ROLES)
@blp.response(200, JobSchema)
def get_job(job_id):
    """A job's status, progress (0-100), progress text and error; for whoever requested it, and admins."""
    job = db.session.get(OutboxJob, job_id)
    return visible_or_404(job, job_visible_to(current_user, job))
