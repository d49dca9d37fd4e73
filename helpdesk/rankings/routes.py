"""Rankings pages: the month's table for team leaders and admins, CSV download, recompute; My standing."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from helpdesk.api_pages import PageArgs
from helpdesk.auth.permissions import roles_required
from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob, enqueue
from helpdesk.periods import current_month, previous_month
from helpdesk.rankings import bp
from helpdesk.rankings.export import raw_to_csv
from helpdesk.rankings.page_charts import page_charts
from helpdesk.rankings.reading import SORTABLE, read_ranking, read_raw_rows
from helpdesk.rankings.views import COMPUTE_JOB, GROUPS, job_visible_to, page_month, table_rows, valid_month

LEADERS = ("team_leader", "admin")
PER_PAGE = 50  # rows of the page's table (the API's pages are reading.PER_PAGE)


def _month_or_400(month_of=valid_month) -> str:
    try:
        return month_of(request.values.get("month"))
    except ValueError as exc:
        abort(400, str(exc))


def _page_or_400() -> int:
    try:
        return PageArgs().load({"page": request.args["page"]} if "page" in request.args else {})["page"]
    except ValidationError as exc:
        abort(400, f"page: {' '.join(exc.messages['page'])}")


def _read_page(month: str, sort: str, descending: bool, page: int):
    """One page of the visible rows and, from the same snapshot, the charts of every visible row."""
    for _ in range(3):
        ranking = read_ranking(month, current_user, sort, descending, page, PER_PAGE)
        if ranking is None:
            return None, None
        charts = page_charts(ranking.snapshot.id, current_user)
        if charts.rows or not ranking.total:
            return ranking, charts
    return ranking, None  # recomputed three times while we read: show the table, charts on the next load


@bp.route("/rankings")
@roles_required(*LEADERS)
def index():
    """The month's stored ranking (default: the last complete month), grouped columns, sortable, with charts."""
    month = _month_or_400(page_month)
    sort = request.args.get("sort", "coach")
    sort = sort if sort in SORTABLE else "coach"
    descending = request.args.get("dir") == "desc"
    page = _page_or_400()
    ranking, charts = _read_page(month, sort, descending, page)
    job = None
    if request.args.get("job", "").isdigit():
        job = db.session.get(OutboxJob, int(request.args["job"]))
        job = job if job_visible_to(current_user, job) else None
    return render_template(
        "rankings/index.html", month=month, snapshot=ranking.snapshot if ranking else None, ranking=ranking,
        rows=table_rows(ranking.rows) if ranking else [], groups=GROUPS, sort=sort, descending=descending,
        job=job, charts=charts, last_month=previous_month(), this_month=current_month(),
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
    rows = read_raw_rows(month, current_user)
    if rows is None:
        abort(404, f"No ranking is stored for {month} yet.")
    return Response(raw_to_csv(rows), mimetype="text/csv",
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
