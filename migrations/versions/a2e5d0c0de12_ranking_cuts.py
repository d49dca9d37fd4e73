"""Ranking cuts: where each gate and tier ends, stored with the snapshot

My standing read every coach's row of the month to work out "what it takes to reach the next tier" (#15).
The cut of each gate and tier (pool size, worst rank that passes, the value at that rank) is now stored with
the snapshot; snapshots stored before have none, and My standing works them out from their rows.

Revision ID: a2e5d0c0de12
Revises: a4e5d0c0de14
Create Date: 2026-12-02 01:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a2e5d0c0de12"
down_revision = "a4e5d0c0de14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ranking_cuts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("reach", sa.String(length=6), nullable=False),
        sa.Column("pool", sa.Integer(), nullable=False),
        sa.Column("rank_limit", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("reach IN ('gate','top','middle')", name=op.f("ck_ranking_cuts_reach")),
        sa.ForeignKeyConstraint(["snapshot_id"], ["ranking_snapshots.id"],
                                name=op.f("fk_ranking_cuts_snapshot_id_ranking_snapshots"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_cuts")),
        sa.UniqueConstraint("snapshot_id", "metric", "reach", name="uq_ranking_cuts_snapshot_metric_reach"),
    )


def downgrade():
    op.drop_table("ranking_cuts")
