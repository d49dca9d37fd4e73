"""Daily goals indexed by date, so the monthly ranking reads one month's goals and not every client's history

The Client Success sums (metrics.md section 5) need the goals of the month's days for every client. The only
index was (client_id, date), so PostgreSQL read the whole table (or probed it client by client); the new
index on (date, client_id, hit) gives a month's goals by range, from the index alone.

Revision ID: a1e5d0c0de11
Revises: a2e5d0c0de12
Create Date: 2026-12-02 01:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1e5d0c0de11"
down_revision = "a2e5d0c0de12"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_daily_goals_date_client_hit", "daily_goals", ["date", "client_id", "hit"])


def downgrade():
    op.drop_index("ix_daily_goals_date_client_hit", table_name="daily_goals")
