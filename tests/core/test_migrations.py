"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from helpdesk import create_app
from helpdesk.db_setup import include_in_migrations
from helpdesk.extensions import db
from tests.conftest import scratch_database


def test_migrations_match_models(tmp_path, monkeypatch):
    # A database of this suite's own (named after the suite's database, dropped at the end): a fixed name
    # collided when two suites ran on one PostgreSQL server at once, each dropping the other's.
    with scratch_database("migrations", tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        app = create_app()
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"include_object": include_in_migrations})
                diff = compare_metadata(context, db.metadata)
                if conn.dialect.name == "postgresql":  # the search vector the models leave to the database
                    indexes = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'messages'"))
                    assert "ix_messages_body_tsv" in set(indexes.scalars())
                    assert conn.execute(text("SELECT body_tsv FROM messages LIMIT 0")).keys() == ["body_tsv"]
                    assert conn.execute(text("SELECT subject_tsv FROM threads LIMIT 0")).keys() == ["subject_tsv"]
            db.engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
