"""Rankings pages: the month's table for team leaders and admins, CSV download, recompute; My standing."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from helpdesk.api_pages import PageArgs
from helpdesk.auth.permissions import roles_required
from helpdesk.charts import histogram, tier_strip
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob, enqueue
from helpdesk.rankings import bp
from helpdesk.rankings.export import FIELDS, MONEY_FIELDS, to_csv
from helpdesk.rankings.reading import PER_PAGE, SORTABLE, chart_rows, read_ranking
from helpdesk.rankings.views import COMPUTE_JOB, coach_names, job_visible_to, tier_thresholds, valid_month

LEADERS = ("team_leader", "admin")


def _month_or_400() -> str:
    try:
        return valid_month(request.values.get("month"))
    except ValueError as exc:
        abort(400, str(exc))


def _charts(rows, thresholds):
    means = [float(r.mean_response_seconds) / 3600 for r in rows if r.mean_response_seconds is not None]
    strips = []
    for t in thresholds:
        scale = {"percent": 100, "hours": 1 / 3600}.get(t["kind"], 1)
        unit = {"percent": "%", "hours": " h"}.get(t["kind"], "")
        points = [(round(float(v) * scale, 2), tier, r.coach) for v, tier, r in t["pool"]]
        edges = [(round(float(t["edges"][name]) * scale, 2), f"{name} from {float(t['edges'][name]) * scale:.2f}{unit}")
                 for name in ("top", "middle") if name in t["edges"]]
        strips.append(tier_strip(points, edges, f"{t['title']} tier thresholds", unit))
    return histogram(means), strips


def _page_or_400() -> int:
    try:
        return PageArgs().load({"page": request.args["page"]} if "page" in request.args else {})["page"]
    except ValidationError as exc:
        abort(400, f"page: {' '.join(exc.messages['page'])}")


def _read_page(month: str, sort: str, descending: bool, page: int):
    """One page of the visible rows and, from the same snapshot, every visible row's chart figures."""
    for _ in range(3):
        ranking = read_ranking(month, current_user, sort, descending, page, PER_PAGE)
        if ranking is None:
            return None, []
        everyone = chart_rows(ranking.snapshot.id, current_user)
        if everyone or not ranking.total:
            return ranking, everyone
    return ranking, []  # recomputed three times while we read: show the table, charts on the next load


@bp.route("/rankings")
@roles_required(*LEADERS)
def index():
    """The month's stored ranking with every export column, sortable, with charts."""
    month = _month_or_400()
    sort = request.args.get("sort", "coach")
    sort = sort if sort in SORTABLE else "coach"
    descending = request.args.get("dir") == "desc"
    page = _page_or_400()
    ranking, everyone = _read_page(month, sort, descending, page)
    snapshot, rows = (ranking.snapshot, ranking.rows) if ranking else (None, [])
    job = None
    if request.args.get("job", "").isdigit():
        job = db.session.get(OutboxJob, int(request.args["job"]))
        job = job if job_visible_to(current_user, job) else None
    thresholds = tier_thresholds(everyone)
    means_chart, tier_charts = _charts(everyone, thresholds)
    return render_template(
        "rankings/index.html", month=month, snapshot=snapshot, rows=rows, ranking=ranking, names=coach_names(rows),
        fields=FIELDS,
        money_fields=MONEY_FIELDS, sort=sort, descending=descending, job=job, thresholds=thresholds,
        means_chart=means_chart, tier_charts=zip(thresholds, tier_charts, strict=True),
        target_hours=current_app.config["TARGET_HOURS"], sla_hours=current_app.config["SLA_HOURS"],
    )


@bp.route("/rankings/recompute", methods=["POST"])
@roles_required(*LEADERS)
def recompute():
    """Start the ranking job for a month as of now; the page then follows its progress."""
    month = _month_or_400()
    job = enqueue(COMPUTE_JOB, month, None, requested_by=current_user, timeout=current_app.config["JOB_TIMEOUT"])
    db.session.commit()
    flash(f"Recomputing {month}: job {job.id} started.", "info")
    return redirect(url_for("rankings.index", month=month, job=job.id))


@bp.route("/rankings/<month>.csv")
@roles_required(*LEADERS)
def download_csv(month):
    """The month's export as CSV, exactly as `helpdesk bonus export MONTH --format csv`."""
    try:
        month = valid_month(month)
    except ValueError:
        abort(404)
    ranking = read_ranking(month, current_user)
    if ranking is None:
        abort(404, f"No ranking is stored for {month} yet.")
    return Response(to_csv(ranking.rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="ranking-{month}.csv"'})



@bp.route("/standing")
@roles_required("coach")
def standing():
    """The signed-in coach's figures, ranks, gates, tiers, money and what it takes to move up."""
    from helpdesk.rankings.standing import past_months
    from helpdesk.rankings.standing import standing as standing_of

    month = _month_or_400()
    return render_template("rankings/standing.html", month=month, s=standing_of(current_user, month),
                           past=past_months(current_user), current=valid_month(None))
