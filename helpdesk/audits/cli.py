"""`helpdesk audits sample [--day YYYY-MM-DD]`: build the auditors' daily sample."""

import click
from flask.cli import with_appcontext


def register(app) -> None:
    @app.cli.group("audits")
    def audits_cli():
        """Auditing."""

    @audits_cli.command("sample")
    @click.option("--day", help="The day whose coach replies are sampled (default: yesterday, UTC).")
    @with_appcontext
    def sample(day):
        """Sample coach replies into the auditors' queue (idempotent for a day)."""
        from datetime import date

        from workers.audits import build_daily_sample

        if day:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--day") from None
        result = build_daily_sample(day)
        click.echo(f"{result['day']}: {result['added']} reply(ies) of {result['coaches']} coach(es) added")
