"""Index users by team leader alone, and moderation decisions by time (issue #15)

A team leader's rankings page filters its rows to `coach_id IN (SELECT id FROM users WHERE reports_to_id = ?)`.
The only index on `reports_to_id` led with `role`, so that filter read every user; this one serves it.

The monthly ranking counts the month's moderation decisions of every moderator (`section9_counts`): a range on
`at` alone, which no index served, so it read every decision ever made and grew with history.

Revision ID: a7e5d0c0de17
Revises: a3e5d0c0de13
Create Date: 2026-12-02 04:35:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7e5d0c0de17'
down_revision = "a3e5d0c0de13"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_reports_to', ['reports_to_id'], unique=False)
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_decisions_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_decisions_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_reports_to')
