"""GET /api/v1/sla: per-coach response-time statistics for a period (team leaders: their team)."""

from flask import current_app
from flask_login import current_user
from flask_smorest import Blueprint

from helpdesk.auth.permissions import roles_required
from helpdesk.sla.report import coach_statistics, daily_counts, parse_period, visible_coaches
from helpdesk.sla.routes import coach_filter
from helpdesk.sla.schemas import SlaArgs, SlaReportSchema
from helpdesk.types import utcnow

blp = Blueprint("sla_api", __name__, url_prefix="/api/v1/sla", description="Response-time statistics")


@blp.route("")
@roles_required("team_leader", "admin")
@blp.arguments(SlaArgs, location="query")
@blp.response(200, SlaReportSchema)
def sla_report(args):
    """Samples, breaches, mean, median, p90 (seconds) and share within the target per coach, as of now.

    `from`/`to` are days (both included; default this month); `coach` an external id of a visible coach.
    """
    as_of = utcnow()
    period = parse_period(args["from_"], args["to"], as_of.date())  # a PeriodError answers 422 naming the day
    coaches = coach_filter(visible_coaches(current_user), args["coach"])
    return {
        "from_": period.first, "to": period.last, "as_of": as_of,
        "sla_hours": current_app.config["SLA_HOURS"], "target_hours": current_app.config["TARGET_HOURS"],
        "coaches": coach_statistics(coaches, period, as_of),
        "days": [{"date": d, "samples": n, "breaches": b} for d, n, b in daily_counts(coaches, period, as_of)],
    }
