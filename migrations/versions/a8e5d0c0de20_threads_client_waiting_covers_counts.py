"""PostgreSQL: the index of a client's threads by wait also holds each thread's id and last message time, so
the inbox's counts read it alone (issue #15)

Every inbox page counts the caller's threads per client (all, waiting, unread, breached): one probe of
ix_threads_client_waiting per client, then a heap fetch per thread for its id and last message time. With both
in the index (INCLUDE: not part of its key, so the index still serves every query it served), the probes are
index-only where the visibility map allows: on a generated large program the counts went from 2.0 to 0.9 ms.
Both columns are already keys of other indexes of the table, so no update that was HOT stops being HOT.
SQLite has no INCLUDE: nothing to do.

Revision ID: a8e5d0c0de20
Revises: a9e5d0c0de19
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a8e5d0c0de20'
down_revision = 'a9e5d0c0de19'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_threads_client_waiting", table_name="threads")
    op.create_index("ix_threads_client_waiting", "threads", ["client_id", "waiting_since"],
                    postgresql_include=["id", "last_message_at"])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_threads_client_waiting", table_name="threads")
    op.create_index("ix_threads_client_waiting", "threads", ["client_id", "waiting_since"])
