"""One audit per message and auditor

A double submit (the same form twice, or the page and the API) stored two audits of one reply, so one
Yellow counted twice as Needs Improvement. The unique constraint decides between two submits at once.
An existing duplicate is kept as its first (lowest id) row before the constraint is added.

Revision ID: c3e5d0c0de03
Revises: a7e5d0c0de07
Create Date: 2026-12-01 22:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3e5d0c0de03'
down_revision = "a7e5d0c0de07"
branch_labels = None
depends_on = None

_LATER_DUPLICATES = ("SELECT id FROM audits a WHERE EXISTS (SELECT 1 FROM audits b WHERE b.message_id = a.message_id "
                     "AND b.auditor_id = a.auditor_id AND b.id < a.id)")


def upgrade():
    # Rows that point at a duplicate point at the first audit of the pair instead, then the duplicates go.
    for table in ("audit_samples", "communication_notes"):
        op.execute(f"UPDATE {table} SET audit_id = (SELECT MIN(b.id) FROM audits a JOIN audits b "
                   "ON b.message_id = a.message_id AND b.auditor_id = a.auditor_id "
                   f"WHERE a.id = {table}.audit_id) WHERE audit_id IN ({_LATER_DUPLICATES})")
    op.execute(f"DELETE FROM audits WHERE id IN ({_LATER_DUPLICATES})")
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_audits_message_auditor', ['message_id', 'auditor_id'])


def downgrade():
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audits_message_auditor', type_='unique')
