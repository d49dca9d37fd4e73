"""Marketplace moderation: one decision per listing and stage; listings removed after review

A pending listing gets exactly one queue decision and a live one at most one review removal: the unique
(listing_id, stage) constraint backs the conditional updates in helpdesk/moderation (issue #10 item 1).
Imported history keeps stage NULL, so any imported sequence of decisions stays importable.

Revision ID: d4e5d0c0de04
Revises: c3e5d0c0de03
Create Date: 2026-12-01 22:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e5d0c0de04'
down_revision = "c3e5d0c0de03"
branch_labels = None
depends_on = None

CATEGORIES = "category IN ('electronics','home','fashion','vehicles','hobbies','services','other')"
REASONS = ("reason_code IN ('prohibited_item','misleading','poor_photos','wrong_category','duplicate',"
           "'offensive','other')")
OLD_STATUSES = "status IN ('pending','approved','rejected')"
STATUSES = "status IN ('pending','approved','rejected','removed','withdrawn','hidden')"
REPORT_REASONS = "reason_code IN ('prohibited_item','misleading','duplicate','offensive','other')"


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
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=20), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('is_open', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=10), nullable=True))
    # The first open report per member and listing stays open; any older duplicates count as closed.
    op.execute("UPDATE listing_reports SET is_open = true WHERE resolved_at IS NULL AND id IN "
               "(SELECT min(id) FROM listing_reports WHERE resolved_at IS NULL GROUP BY listing_id, reporter_id)")
    op.execute("UPDATE listing_reports SET resolved_at = created_at WHERE resolved_at IS NULL AND is_open IS NULL")
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_listing_reports_reason_code'), REPORT_REASONS)
        batch_op.create_check_constraint(op.f('ck_listing_reports_outcome'), "outcome IN ('upheld','dismissed')")
        batch_op.create_check_constraint(op.f('ck_listing_reports_is_open'), "is_open")
        batch_op.create_unique_constraint('uq_listing_reports_open', ['listing_id', 'reporter_id', 'is_open'])
        batch_op.create_index('ix_listing_reports_reporter_outcome', ['reporter_id', 'outcome'], unique=False)
    op.create_table(
        'listing_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_listing_events_actor_id_users')),
        sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_events_listing_id_listings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_events')),
    )
    with op.batch_alter_table('listing_events', schema=None) as batch_op:
        batch_op.create_index('ix_listing_events_listing_at', ['listing_id', 'at'], unique=False)
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
    op.drop_table('listing_events')
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_reports_reporter_outcome')
        batch_op.drop_constraint('uq_listing_reports_open', type_='unique')
        batch_op.drop_constraint(op.f('ck_listing_reports_is_open'), type_='check')
        batch_op.drop_constraint(op.f('ck_listing_reports_outcome'), type_='check')
        batch_op.drop_constraint(op.f('ck_listing_reports_reason_code'), type_='check')
        batch_op.drop_column('outcome')
        batch_op.drop_column('is_open')
        batch_op.drop_column('reason_code')
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
