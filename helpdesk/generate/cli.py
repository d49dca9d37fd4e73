"""`helpdesk generate --scale small|medium|large [--months N]`."""

import time

import click
from flask.cli import with_appcontext


@click.command("generate")
@click.option("--scale", type=click.Choice(["small", "medium", "large"]), default="small", show_default=True,
              help="large: 5,000 coaches and 250,000 clients; medium a tenth of that; small a hundredth.")
@click.option("--months", type=click.IntRange(1, 24), default=3, show_default=True, help="How much history.")
@click.option("--seed", type=int, default=1, show_default=True)
@with_appcontext
def generate_cmd(scale, months, seed):
    """Fill an empty database with a realistic program (COPY on PostgreSQL), printing progress."""
    from helpdesk.db_setup import ensure_schema
    from helpdesk.extensions import db
    from helpdesk.generate.services import GenerateError, generate

    ensure_schema()
    started = time.monotonic()

    def report(table, rows):
        click.echo(f"  {time.monotonic() - started:7.1f} s  {table:<26} {rows:>12,}")

    click.echo(f"Generating a {scale} program with {months} month(s) of history...")
    try:
        progress = generate(scale, months=months, seed=seed, report=report)
    except GenerateError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    total = sum(progress.counts.values())
    click.echo(f"Done in {time.monotonic() - started:.1f} s: {total:,} rows.")


def register(app) -> None:
    app.cli.add_command(generate_cmd)
