"""SLA stored ranges: message ids whose waits an import already stored, so the waits job skips them

After an import the incremental waits job replayed every imported message (about 30 minutes at 618k threads,
past its 300 s timeout). The import now stores its threads' waits itself and records the ids it wrote here.

Revision ID: a5e5d0c0de15
Revises: a0e5d0c0de10
Create Date: 2026-12-02 01:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a5e5d0c0de15'
down_revision = "a0e5d0c0de10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sla_stored_ranges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_message_id', sa.BigInteger(), nullable=False),
    sa.Column('last_message_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_stored_ranges'))
    )
    with op.batch_alter_table('sla_stored_ranges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_stored_ranges_last_message_id'), ['last_message_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('sla_stored_ranges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_stored_ranges_last_message_id'))
    op.drop_table('sla_stored_ranges')
