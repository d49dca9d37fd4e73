"""`helpdesk import FILE`."""

import click
from flask.cli import with_appcontext


@click.command("import")
@click.argument("file")
@with_appcontext
def import_cmd(file):
    """Load FILE in the import format (one JSON object per line; "-" is standard input, *.gz is gunzipped).

    All or nothing: on any error each is printed as FILE:LINE: message, nothing is stored and the exit
    status is 1. Records already stored are skipped, so importing the same file again changes nothing."""
    from helpdesk.extensions import db
    from helpdesk.imports.services import import_path

    try:
        result = import_path(file)
    except Exception as exc:
        db.session.rollback()
        click.echo(f"{file}: import failed, nothing was stored: {exc}", err=True)
        raise SystemExit(1) from exc
    if not result.ok:
        db.session.rollback()
        for error in result.errors:
            click.echo(error, err=True)
        click.echo(f"{len(result.errors)} error(s) in {file}; nothing was stored", err=True)
        raise SystemExit(1)
    db.session.commit()
    for line in result.summary():
        click.echo(line)


def register(app) -> None:
    app.cli.add_command(import_cmd)
