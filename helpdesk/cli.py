"""The `helpdesk` command: Flask's CLI bound to the app factory, plus the desk's own commands."""

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select


def create_app():
    from helpdesk import create_app as factory

    return factory()


@click.group(cls=FlaskGroup, create_app=lambda: create_app())
def main():
    """helpdesk: the Success Coach Client Center."""


def _user_or_fail(external_id: str):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db

    user = db.session.scalar(select(User).where(User.external_id == external_id))
    if user is None:
        raise click.ClickException(f"no user with external id {external_id!r}")
    return user


@click.group("token")
def token_cli():
    """API bearer tokens."""


@token_cli.command("create")
@click.argument("external_id")
@click.option("--label", help="What the token is for.")
@click.option("--ingest", is_flag=True, help="Only for POST /api/v1/ingest.")
@with_appcontext
def token_create(external_id, label, ingest):
    """Print a new API token for the user EXTERNAL_ID (shown once; only its hash is kept)."""
    from helpdesk.auth.services import create_token
    from helpdesk.extensions import db

    token = create_token(_user_or_fail(external_id), label=label, scope="ingest" if ingest else "full")
    db.session.commit()
    click.echo(token)


@token_cli.command("revoke")
@click.argument("external_id")
@click.option("--prefix", help="Revoke only the token starting with this (its first 10 characters).")
@with_appcontext
def token_revoke(external_id, prefix):
    """Revoke the API tokens of EXTERNAL_ID (all of them unless --prefix)."""
    from helpdesk.auth.services import revoke_tokens
    from helpdesk.extensions import db

    count = revoke_tokens(_user_or_fail(external_id), prefix)
    db.session.commit()
    click.echo(f"revoked {count} token(s)")


@click.group("user")
def user_cli():
    """Users."""


@user_cli.command("set-password")
@click.argument("external_id")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def user_set_password(external_id, password):
    """Set the password of EXTERNAL_ID (ends their sessions and revokes their API tokens)."""
    from helpdesk.auth.services import PasswordTooShort, change_password
    from helpdesk.extensions import db

    try:
        change_password(_user_or_fail(external_id), password)
    except PasswordTooShort as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"password set for {external_id}")


@click.command("worker")
@click.option("--queues", "-q", default="default", help="Comma-separated queue names.")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--no-schedule", "no_schedule", is_flag=True, hidden=True,
              help="Ignored: workers no longer run the schedule (see `helpdesk schedule`).")
@with_appcontext
def worker_cmd(queues, burst, no_schedule):
    """Run an RQ worker (with RQ's scheduler, for retries) whose jobs run inside the app context.

    It only works: periodic jobs are enqueued by `helpdesk schedule`, a process of its own (a thread in a
    forking worker would be forked into every job's process)."""
    from helpdesk.jobs import sweep_outbox
    from helpdesk.worker import make_worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without it jobs run in-process and no worker is needed")
    swept = sweep_outbox(older_than_seconds=0)
    if swept:
        click.echo(f"handed on {swept} job(s) left in the outbox")
    worker = make_worker(current_app._get_current_object(), [q.strip() for q in queues.split(",") if q.strip()])
    worker.work(burst=burst, with_scheduler=True)


@click.command("schedule")
@click.option("--interval", default=20.0, show_default=True, help="Seconds between checks.")
@with_appcontext
def schedule_cmd(interval):
    """Enqueue the periodic jobs of helpdesk.schedule as they fall due: the one process that does.

    Several may run (each slot is claimed once, in the database). Without REDIS_URL the jobs run here."""
    from helpdesk.schedule import run_forever

    run_forever(current_app._get_current_object(), interval)


def register(app) -> None:
    """Add the desk's own commands to the app's CLI."""
    for command in (token_cli, user_cli, worker_cmd, schedule_cmd):
        if command.name not in app.cli.commands:
            app.cli.add_command(command)
