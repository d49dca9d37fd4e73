"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from helpdesk import create_app
from helpdesk.db_setup import include_in_migrations
from helpdesk.extensions import db


def _fresh_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        return f"sqlite:///{tmp_path}/migrations.sqlite3", None
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    name = "helpdesk_migrations_check"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    return url.rsplit("/", 1)[0] + "/" + name, (admin, name)


def test_migrations_match_models(tmp_path, monkeypatch):
    url, cleanup = _fresh_database_url(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    app = create_app()
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"include_object": include_in_migrations})
                diff = compare_metadata(context, db.metadata)
                if conn.dialect.name == "postgresql":  # the search vector the models leave to the database
                    indexes = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'messages'"))
                    assert "ix_messages_body_tsv" in set(indexes.scalars())
                    assert conn.execute(text("SELECT body_tsv FROM messages LIMIT 0")).keys() == ["body_tsv"]
            db.engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
