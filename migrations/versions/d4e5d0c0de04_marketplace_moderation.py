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
STATUSES = "status IN ('pending','approved','rejected','removed','withdrawn')"


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
        batch_op.add_column(sa.Column('price', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_listings_price'), "price >= 0")
    op.create_table(
        'listing_images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('image/png','image/jpeg','image/webp')",
                           name=op.f('ck_listing_images_content_type')),
        sa.CheckConstraint('position >= 0 AND position < 4', name=op.f('ck_listing_images_position')),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_images_listing_id_listings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_images')),
        sa.UniqueConstraint('listing_id', 'position', name='uq_listing_images_listing_position'),
    )


def downgrade():
    op.drop_table('listing_images')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_listings_price'), type_='check')
        batch_op.drop_column('edited_at')
        batch_op.drop_column('price')
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
