"""Indexes for the SLA page and the auditors' queue (issue #15)

The SLA page reads a team's samples from its coaches: their replies by `replied_by_id`, their clients' open
waits by `client_id`. The two indexes it uses now carry the columns the samples need beside their keys, so
those reads are index-only (same names and keys: every plan that used them still can).

The auditors' queue reads only the items not yet audited: partial indexes on the free ones (by day, by
coach) and on the claimed ones, so its list and its counts no longer read the whole open queue row by row.

Revision ID: a3e5d0c0de13
Revises: a1e5d0c0de11
Create Date: 2026-12-02 01:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3e5d0c0de13'
down_revision = "a1e5d0c0de11"
branch_labels = None
depends_on = None

FREE = "audit_id IS NULL AND claimed_by_id IS NULL"
CLAIMED = "audit_id IS NULL AND claimed_by_id IS NOT NULL"


def _waits_indexes(include: bool):
    kw = (lambda cols: {"postgresql_include": cols}) if include else (lambda cols: {})
    with op.batch_alter_table('response_waits', schema=None) as batch_op:
        batch_op.drop_index('ix_response_waits_replied_by_start')
        batch_op.drop_index('ix_response_waits_client_start')
        batch_op.create_index('ix_response_waits_replied_by_start', ['replied_by_id', 'start_us'], unique=False,
                              **kw(['reply_us']))
        batch_op.create_index('ix_response_waits_client_start', ['client_id', 'start_us'], unique=False,
                              **kw(['reply_us', 'wait_start']))


def upgrade():
    _waits_indexes(include=True)
    with op.batch_alter_table('audit_samples', schema=None) as batch_op:
        batch_op.create_index('ix_audit_samples_free_day', ['sample_day', 'id'], unique=False,
                              postgresql_where=sa.text(FREE), sqlite_where=sa.text(FREE))
        batch_op.create_index('ix_audit_samples_free_coach', ['coach_id', 'sample_day', 'id'], unique=False,
                              postgresql_where=sa.text(FREE), sqlite_where=sa.text(FREE))
        batch_op.create_index('ix_audit_samples_claimed_open', ['claimed_by_id', 'sample_day', 'id'], unique=False,
                              postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))


def downgrade():
    with op.batch_alter_table('audit_samples', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_samples_claimed_open')
        batch_op.drop_index('ix_audit_samples_free_coach')
        batch_op.drop_index('ix_audit_samples_free_day')
    _waits_indexes(include=False)
