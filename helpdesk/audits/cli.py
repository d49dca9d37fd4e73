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
        # The same service the daily job calls (helpdesk never imports workers).
        from datetime import date

        from helpdesk.audits.queue import build_sample, default_sample_day
        from helpdesk.extensions import db

        try:
            sample_day = date.fromisoformat(day) if day else default_sample_day()
        except ValueError:
            raise click.BadParameter("use the form YYYY-MM-DD", param_hint="--day") from None
        result = build_sample(sample_day)
        db.session.commit()
        click.echo(f"{result['day']}: {result['added']} reply(ies) of {result['coaches']} coach(es) added")
