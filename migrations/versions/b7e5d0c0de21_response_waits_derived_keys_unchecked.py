"""The stored waits' references to messages and users are no longer foreign keys (issue #15)

`response_waits` is derived: every row is written by `helpdesk.sla.services._store_waits` from a join of the
thread's messages to their authors, so each message and user it names exists when the row is written, and the
app deletes no message, thread or user (`helpdesk sla recompute` rebuilds the table from the messages). The
four foreign keys to `messages` and `users` only re-checked what that join had just read: on PostgreSQL one
trigger call per key per row, 2.8 s per million import lines into a full database of the 6.8-7.2 s the
closing INSERT of the waits took (bench/RESULTS.md). The key to `threads` stays: the waits of a thread are
replaced by thread, and it keeps the table tied to what it describes.

Revision ID: b7e5d0c0de21
Revises: a8e5d0c0de20
Create Date: 2026-12-03 08:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e5d0c0de21'
down_revision = 'a8e5d0c0de20'
branch_labels = None
depends_on = None

KEYS = (
    ("fk_response_waits_client_id_users", "client_id", "users"),
    ("fk_response_waits_opened_by_message_id_messages", "opened_by_message_id", "messages"),
    ("fk_response_waits_reply_message_id_messages", "reply_message_id", "messages"),
    ("fk_response_waits_replied_by_id_users", "replied_by_id", "users"),
)


def upgrade():
    with op.batch_alter_table("response_waits", schema=None) as batch_op:
        for name, _, _ in KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade():
    with op.batch_alter_table("response_waits", schema=None) as batch_op:
        for name, column, table in KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"])
