"""Email notifications: choices per kind, deliveries, the sweep's cursor

Revision ID: c9e5d0c0de09
Revises: 3f1c2b7a9d10
Create Date: 2026-12-01 22:40:00
"""

import sqlalchemy as sa
from alembic import op

import helpdesk.types

revision = "c9e5d0c0de09"
down_revision = "3f1c2b7a9d10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.CheckConstraint("mode IN ('instant','digest','off')", name=op.f("ck_mail_preferences_mode")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preferences")),
        sa.UniqueConstraint("user_id", "kind", name="uq_mail_preferences_user_kind"),
    )
    op.create_table(
        "mail_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("digest_key", sa.String(length=60), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", helpdesk.types.UTCDateTime(), nullable=True),
        sa.Column("claimed_at", helpdesk.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", helpdesk.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued','sending','sent','failed')", name=op.f("ck_mail_deliveries_status")),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name=op.f("fk_mail_deliveries_notification_id_notifications")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_deliveries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_deliveries")),
        sa.UniqueConstraint("digest_key", name="uq_mail_deliveries_digest_key"),
        sa.UniqueConstraint("notification_id", name="uq_mail_deliveries_notification"),
    )
    with op.batch_alter_table("mail_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_mail_deliveries_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_deliveries_user_id"), ["user_id"], unique=False)
    op.create_table(
        "mail_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_mail_cursors")),
    )


def downgrade():
    op.drop_table("mail_cursors")
    with op.batch_alter_table("mail_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_deliveries_user_id"))
        batch_op.drop_index("ix_mail_deliveries_status")
    op.drop_table("mail_deliveries")
    op.drop_table("mail_preferences")
