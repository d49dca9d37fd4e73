"""`helpdesk sla recompute [--since DATE]`."""

from datetime import date

import click
from flask.cli import with_appcontext


@click.group("sla")
def sla_cli():
    """Response-time waits (metrics.md section 3)."""


@sla_cli.command("recompute")
@click.option("--since", help="Replay only from this date (YYYY-MM-DD) on; default: everything.")
@with_appcontext
def recompute(since):
    """Rebuild the response waits from the stored messages."""
    from helpdesk.extensions import db
    from helpdesk.sla.services import recompute_waits

    since_date = None
    if since:
        try:
            since_date = date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"{since!r} is not a date YYYY-MM-DD", param_hint="--since") from exc
    result = recompute_waits(since_date)
    db.session.commit()
    threads = "every thread" if result["threads"] is None else f"{result['threads']} thread(s)"
    click.echo(f"replayed {result['messages']} message(s) of {threads}")


def register(app) -> None:
    app.cli.add_command(sla_cli)
