"""Bring the database schema up to date with the migrations."""

from flask_migrate import upgrade


def ensure_schema() -> None:
    """Run every pending Alembic migration (creates the database tables on a fresh machine)."""
    upgrade()


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter when comparing the database with the models: leave out what the database keeps
    beside the models on purpose (inbox.models.DATABASE_ONLY: the stored search vector and its index)."""
    from helpdesk.inbox.models import DATABASE_ONLY

    return not (reflected and compare_to is None and name in DATABASE_ONLY)
