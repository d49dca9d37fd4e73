"""The SLA page: per-coach response times for a chosen period, and a chart per day."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from helpdesk.auth.permissions import roles_required
from helpdesk.charts import daily_bars
from helpdesk.sla import bp
from helpdesk.sla.report import coach_statistics, daily_counts, parse_period, quick_periods, visible_coaches
from helpdesk.types import utcnow


def coach_filter(coaches, value: str | None):
    """The coaches a `coach=` filter (external id or id) selects among `coaches`; 404 if not one of them."""
    if not value:
        return coaches
    chosen = [c for c in coaches if c.external_id == value or str(c.id) == value]
    if not chosen:
        abort(404)
    return chosen


@bp.route("/sla")
@roles_required("team_leader", "admin")
def index():
    """Samples, mean, median, p90, share within the target and breaches per coach, as of now."""
    as_of = utcnow()
    error = None
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"), as_of.date())
    except ValueError as exc:
        error = str(exc)
        period = parse_period(None, None, as_of.date())
    team = visible_coaches(current_user)
    coaches = coach_filter(team, request.args.get("coach"))
    stats = coach_statistics(coaches, period, as_of)
    days = daily_counts(coaches, period, as_of)
    return render_template(
        "sla/index.html", period=period, stats=stats, team=team, chosen=request.args.get("coach", ""),
        chart=daily_bars(days), days=days, as_of=as_of, error=error, quick=quick_periods(as_of.date()),
        sla_hours=current_app.config["SLA_HOURS"], target_hours=current_app.config["TARGET_HOURS"],
        totals={"samples": sum(n for _, n, _ in days), "breaches": sum(b for _, _, b in days)},
    )
