"""Periodic slots are claimed in the database: one schedule_claims row per (job, slot)

The claim used to be a Redis key: lost on a Redis restart (the slot ran again) and set before the outbox row
committed (a tick that failed on the database lost its slot). The row is inserted in the same transaction as
the job's outbox row, so both exist or neither does.

Revision ID: a7e5d0c0de07
Revises: c9e5d0c0de09
Create Date: 2026-12-01 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7e5d0c0de07'
down_revision = "c9e5d0c0de09"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('schedule_claims',
    sa.Column('job', sa.String(length=100), nullable=False),
    sa.Column('slot', sa.DateTime(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('job', 'slot', name=op.f('pk_schedule_claims'))
    )


def downgrade():
    op.drop_table('schedule_claims')
