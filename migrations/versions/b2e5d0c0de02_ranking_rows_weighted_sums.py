"""Ranking rows keep the weighted sums behind Client Success and Client Happiness

My standing's "what it takes to reach the next tier" needs a coach's weighted Daily Goal and survey sums;
it recomputed them for every coach at each request. They are now stored with the snapshot (NULL for rows
stored before, which My standing still recomputes).

Revision ID: b2e5d0c0de02
Revises: e5e5d0c0de05
Create Date: 2026-12-01 22:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b2e5d0c0de02"
down_revision = "e5e5d0c0de05"
branch_labels = None
depends_on = None

COLUMNS = ("success_weight_total", "success_weight_hits", "happiness_weight_total", "happiness_promoters",
           "happiness_detractors")


def upgrade():
    with op.batch_alter_table("ranking_rows") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("ranking_rows") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
