"""Bring the database schema up to date with the migrations."""

from flask_migrate import upgrade


def ensure_schema() -> None:
    """Run every pending Alembic migration (creates the database tables on a fresh machine)."""
    upgrade()
