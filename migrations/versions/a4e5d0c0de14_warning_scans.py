"""Warning scans: a watermark per scan of the SLA warnings job, and one claim per announced warning

The warnings job read every item of the last 7 days at every run and stored each notification with its own
SELECT and SAVEPOINT (issue #15). Now each scan reads only what fell due since its watermark
(`warning_scans`), and grouped notifications ("37 listings...") are sent for the items a run claims
(`warning_claims`, unique per kind and item).

Revision ID: a4e5d0c0de14
Revises: a5e5d0c0de15
Create Date: 2026-12-02 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e5d0c0de14'
down_revision = "a5e5d0c0de15"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('warning_scans',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('scanned_through', sa.DateTime(), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('previous_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_warning_scans'))
    )
    op.create_table('warning_claims',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'subject_id', name=op.f('pk_warning_claims'))
    )
    with op.batch_alter_table('warning_claims', schema=None) as batch_op:
        batch_op.create_index('ix_warning_claims_due_at', ['due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('warning_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_warning_claims_due_at')
    op.drop_table('warning_claims')
    op.drop_table('warning_scans')
