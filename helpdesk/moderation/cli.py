"""`helpdesk moderation recount`: check the queue's listing counts against the listings, and repair them."""

import click
from flask.cli import with_appcontext


def register(app) -> None:
    @app.cli.group("moderation")
    def moderation_cli():
        """Marketplace moderation."""

    @moderation_cli.command("recount")
    @with_appcontext
    def recount_cmd():
        """Recount the listings per (status, category) from scratch; say and fix what was wrong."""
        from helpdesk.extensions import db
        from helpdesk.moderation.counts import recount

        wrong = recount()
        db.session.commit()
        for (status, category), (kept, true) in sorted(wrong.items()):
            click.echo(f"{status} / {category}: {kept} kept, {true} listed: repaired")
        click.echo(f"{len(wrong)} count(s) repaired" if wrong else "The counts are right.")
