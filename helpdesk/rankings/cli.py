"""`helpdesk bonus compute YYYY-MM [--as-of T]` and `helpdesk bonus export YYYY-MM [--format json|csv]`."""

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from helpdesk.periods import MONTH


@click.group("bonus")
def bonus_cli():
    """Monthly bonus rankings (metrics.md)."""


def _parse_as_of(value: str | None) -> str | None:
    if value is None:
        return None
    from helpdesk.periods import as_utc

    try:
        return as_utc(datetime.fromisoformat(value)).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 instant", param_hint="--as-of") from exc


@bonus_cli.command("compute")
@click.argument("month", type=MONTH)
@click.option("--as-of", "as_of", help="The instant T (ISO 8601; default now). Records at or after T are ignored.")
@click.option("--timeout", default=3600, show_default=True, help="Seconds to wait for the background job.")
@with_appcontext
def compute(month, as_of, timeout):
    """Compute MONTH's ranking and store it, replacing the earlier one (a queued job when Redis is set)."""
    from helpdesk import jobs
    from helpdesk.extensions import db
    from helpdesk.job_states import wait_for

    as_of_iso = _parse_as_of(as_of)
    row = jobs.enqueue("workers.rankings.compute_ranking", month, as_of_iso,
                       timeout=current_app.config["JOB_TIMEOUT"])
    outbox_id = row.id
    db.session.commit()
    try:
        jobs.dispatch_ready()  # to RQ when REDIS_URL is set; otherwise runs it here and now
    except Exception:  # noqa: BLE001 - a failed in-process run is recorded on its outbox row, read below
        db.session.rollback()
    row = wait_for(outbox_id, timeout)  # the outcome as RQ really ended it: after retries, or orphaned
    if row.status not in ("finished", "failed"):
        raise click.ClickException(f"job {outbox_id} still {row.status} after {timeout}s; it goes on in the background")
    if row.status == "failed":
        raise click.ClickException(f"computing {month} failed: {row.error}")
    result = row.result or {}
    click.echo(f"{month}: ranked {result.get('coaches', '?')} coach(es) as of {result.get('as_of', '?')}")


@bonus_cli.command("export")
@click.argument("month", type=MONTH)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@with_appcontext
def export(month, fmt):
    """Print MONTH's stored ranking as JSON or CSV."""
    from helpdesk.rankings.export import to_csv, to_json
    from helpdesk.rankings.reading import read_ranking

    ranking = read_ranking(month)  # the operator's export: every row
    if ranking is None:
        raise click.ClickException(f"no ranking stored for {month}: run `helpdesk bonus compute {month}` first")
    text = to_json(ranking.rows) if fmt == "json" else to_csv(ranking.rows)
    click.echo(text, nl=fmt == "json")


def register(app) -> None:
    app.cli.add_command(bonus_cli)
