"""PostgreSQL: store each thread's subject search vector, as the messages' bodies already are (issue #15)

A search matched each of the caller's threads by parsing its subject again with to_tsvector, in both its
statements (the counts and the rows): about 1 ms each for a coach with a hundred-odd threads. The subject's
tsvector is now a stored generated column. No index: a search starts from the caller's own threads. SQLite
searches with LIKE: nothing to do. Adding the column rewrites the threads table once (a few seconds at
600,000 threads).

Revision ID: a9e5d0c0de19
Revises: a6e5d0c0de16
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a9e5d0c0de19'
down_revision = 'a6e5d0c0de16'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE threads ADD COLUMN subject_tsv tsvector "
               "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, subject)) STORED")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE threads DROP COLUMN IF EXISTS subject_tsv")
