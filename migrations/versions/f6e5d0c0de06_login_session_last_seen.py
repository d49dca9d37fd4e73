"""Sign-in sessions note when they were last used, so idle ones expire on the server

SESSION_IDLE_MINUTES: a session unused for longer is refused at its next request. Sessions opened before
this column existed count from their creation.

Revision ID: f6e5d0c0de06
Revises: b2e5d0c0de02
Create Date: 2026-12-01 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6e5d0c0de06'
down_revision = "b2e5d0c0de02"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
