"""Marketplace moderation: one decision per listing and stage; listings removed after review

A pending listing gets exactly one queue decision and a live one at most one review removal: the unique
(listing_id, stage) constraint backs the conditional updates in helpdesk/moderation (issue #10 item 1).
Imported history keeps stage NULL, so any imported sequence of decisions stays importable.

Revision ID: d4e5d0c0de04
Revises: 3f1c2b7a9d10
Create Date: 2026-12-01 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e5d0c0de04'
down_revision = '3f1c2b7a9d10'
branch_labels = None
depends_on = None

CATEGORIES = "category IN ('electronics','home','fashion','vehicles','hobbies','services','other')"
REASONS = ("reason_code IN ('prohibited_item','misleading','poor_photos','wrong_category','duplicate',"
           "'offensive','other')")
OLD_STATUSES = "status IN ('pending','approved','rejected')"
STATUSES = "status IN ('pending','approved','rejected','removed')"


def upgrade():
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=6), nullable=True))
        batch_op.create_check_constraint(op.f('ck_moderation_decisions_stage'), "stage IN ('queue','review')")
        batch_op.create_unique_constraint('uq_moderation_decisions_listing_stage', ['listing_id', 'stage'])
        batch_op.add_column(sa.Column('reason_code', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(op.f('ck_moderation_decisions_reason_code'), REASONS)
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_listings_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_listings_status'), STATUSES)
        batch_op.add_column(sa.Column('category', sa.String(length=20), server_default='other', nullable=False))
        batch_op.create_check_constraint(op.f('ck_listings_category'), CATEGORIES)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_listings_category'), type_='check')
        batch_op.drop_column('category')
        batch_op.drop_constraint(op.f('ck_listings_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_listings_status'), OLD_STATUSES)
    with op.batch_alter_table('moderation_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_moderation_decisions_reason_code'), type_='check')
        batch_op.drop_column('reason_code')
        batch_op.drop_constraint('uq_moderation_decisions_listing_stage', type_='unique')
        batch_op.drop_constraint(op.f('ck_moderation_decisions_stage'), type_='check')
        batch_op.drop_column('stage')
