"""`helpdesk demo`: create the database, load the demo program once, print the logins and serve."""

import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Load and print the logins, but do not start the server.")
@click.option("--seed", default=2026, show_default=True, type=int, help="Seed of the generated program.")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0.01, max=20),
              help="Size of the program: 1.0 is ~30 coaches and ~300 clients.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--skip-migrations", is_flag=True, hidden=True,
              help="Do not run the migrations (the schema is already in place, e.g. in tests).")
@with_appcontext
def demo_cmd(no_serve, seed, scale, host, port, skip_migrations):
    """Load a generated program (dates relative to today) and serve it on http://HOST:PORT."""
    from helpdesk.db_setup import ensure_schema
    from helpdesk.demo.loader import (
        DemoLoadError,
        DemoRefused,
        check_demo_may_run,
        load_demo,
        refuse_production,
        set_demo_passwords,
    )
    from helpdesk.demo.people import DEMO_PASSWORD
    from helpdesk.extensions import db

    try:
        refuse_production()
        if not skip_migrations:
            click.echo("Bringing the database schema up to date...")
            ensure_schema()
        check_demo_may_run()
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    started = time.monotonic()
    try:
        result = load_demo(seed=seed, scale=scale)
        logins = set_demo_passwords()
    except DemoLoadError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if result.loaded:
        stored = ", ".join(f"{n} {kind}" for kind, n in result.stored.items() if n)
        extras = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in result.extras.items() if n)
        click.echo(f"Loaded the demo program in {time.monotonic() - started:.1f} s: {stored}; {extras}.")
        click.echo("Stored last month's and this month's rankings, and drew the auditors' sample.")
    else:
        click.echo("The demo program is already loaded; the demo passwords were reset.")
    url = f"http://{host}:{port}"
    click.echo("\nSign in with one of these (password for all: " + DEMO_PASSWORD + "):")
    click.echo(f"  {'role':<12} {'login':<18} password")
    for role, external_id in logins:
        click.echo(f"  {role:<12} {external_id:<18} {DEMO_PASSWORD}")
    click.echo(f"\nOpen {url}/login")
    if not no_serve:
        db.session.remove()
        if not current_app.config.get("REDIS_URL"):
            # Embedded mode: no worker, so this process runs the periodic jobs (SLA waits and warnings,
            # rankings, the auditors' sample) itself, in-process.
            from helpdesk.schedule import start_thread

            start_thread(current_app._get_current_object())
        # Flask ignores app.run() inside its own CLI unless told this is not `flask run`.
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
        current_app.run(host=host, port=port, use_reloader=False, load_dotenv=False)


def register(app) -> None:
    app.cli.add_command(demo_cmd)
