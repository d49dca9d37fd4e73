"""Listing photos uploaded on their own, attached by id to a listing sent as JSON (issue #12's API)

Revision ID: a0e5d0c0de10
Revises: b8e5d0c0de08
Create Date: 2026-12-02 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a0e5d0c0de10'
down_revision = "b8e5d0c0de08"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('thumbnail', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("content_type IN ('image/png','image/jpeg','image/webp')",
                       name=op.f('ck_listing_uploads_content_type')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_listing_uploads_uploader_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_uploads'))
    )
    with op.batch_alter_table('listing_uploads', schema=None) as batch_op:
        batch_op.create_index('ix_listing_uploads_uploader_created', ['uploader_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('listing_uploads', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_uploads_uploader_created')
    op.drop_table('listing_uploads')
