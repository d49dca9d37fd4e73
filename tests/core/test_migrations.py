"""The migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from helpdesk import create_app
from helpdesk.db_setup import include_in_migrations
from helpdesk.extensions import db
from helpdesk.moderation.models import POSTGRESQL_DDL, SQLITE_DDL
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
                # Triggers are not in the metadata: a batch rebuild of their table on SQLite would drop them unseen.
                postgres = conn.dialect.name == "postgresql"
                declared = set(re.findall(r"CREATE TRIGGER (\w+)", " ".join(POSTGRESQL_DDL if postgres else SQLITE_DDL)))
                triggers = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal" if postgres else
                                             "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
                assert set(triggers) == declared
            db.engine.dispose()
        assert diff == [], f"models and migrations differ: {diff}"
