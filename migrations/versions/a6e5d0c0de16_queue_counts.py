"""Listing counts per (status, category), kept by a trigger; pending listings' claims indexed (issue #15)

The moderation queue's tabs counted every listing ever submitted on every view. `listing_counts` holds one row
per (status, category), filled here from the listings and moved from now on by a trigger on listings in the
same statement as each change (helpdesk/moderation/counts.py). A moderator's claims are read among the
pending listings only (a partial index), not by visiting every pending listing's row.

Revision ID: a6e5d0c0de16
Revises: a7e5d0c0de17
Create Date: 2026-12-02 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6e5d0c0de16'
down_revision = "a7e5d0c0de17"
branch_labels = None
depends_on = None

PENDING = "status = 'pending'"

# A frozen copy of helpdesk/moderation/models.py's POSTGRESQL_DDL and SQLITE_DDL.
_UPSERT = ("INSERT INTO listing_counts (status, category, n) {rows} "
           "ON CONFLICT (status, category) DO UPDATE SET n = listing_counts.n + excluded.n;")
POSTGRESQL_DDL = (
    f"""CREATE OR REPLACE FUNCTION listing_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_UPSERT.format(rows="SELECT status, category, count(*) FROM moved_in GROUP BY 1, 2 ORDER BY 1, 2")}
    ELSIF TG_OP = 'DELETE' THEN
        {_UPSERT.format(rows="SELECT status, category, -count(*) FROM moved_out GROUP BY 1, 2 ORDER BY 1, 2")}
    ELSE
        {_UPSERT.format(rows="SELECT status, category, sum(delta) FROM (SELECT status, category, 1 AS delta "
                             "FROM moved_in UNION ALL SELECT status, category, -1 FROM moved_out) AS moves "
                             "GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2")}
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER listing_counts_insert AFTER INSERT ON listings REFERENCING NEW TABLE AS moved_in "
    "FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
    "CREATE TRIGGER listing_counts_update AFTER UPDATE ON listings REFERENCING OLD TABLE AS moved_out "
    "NEW TABLE AS moved_in FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
    "CREATE TRIGGER listing_counts_delete AFTER DELETE ON listings REFERENCING OLD TABLE AS moved_out "
    "FOR EACH STATEMENT EXECUTE FUNCTION listing_counts_follow()",
)
SQLITE_DDL = (
    """CREATE TRIGGER listing_counts_insert AFTER INSERT ON listings BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (NEW.status, NEW.category, 1)
    ON CONFLICT (status, category) DO UPDATE SET n = n + 1;
END""",
    """CREATE TRIGGER listing_counts_delete AFTER DELETE ON listings BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (OLD.status, OLD.category, -1)
    ON CONFLICT (status, category) DO UPDATE SET n = n - 1;
END""",
    """CREATE TRIGGER listing_counts_update AFTER UPDATE OF status, category ON listings
WHEN OLD.status IS NOT NEW.status OR OLD.category IS NOT NEW.category BEGIN
    INSERT INTO listing_counts (status, category, n) VALUES (OLD.status, OLD.category, -1)
    ON CONFLICT (status, category) DO UPDATE SET n = n - 1;
    INSERT INTO listing_counts (status, category, n) VALUES (NEW.status, NEW.category, 1)
    ON CONFLICT (status, category) DO UPDATE SET n = n + 1;
END""",
)


def upgrade():
    op.create_table('listing_counts',
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('status', 'category', name=op.f('pk_listing_counts'))
    )
    # The index first: on SQLite a batch operation may rebuild the table, which would drop its triggers.
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_pending_claimed', ['claimed_by_id', 'claimed_at'], unique=False,
                              postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:  # no listing may change between the count and the trigger
        op.execute("LOCK TABLE listings IN SHARE MODE")
    op.execute("INSERT INTO listing_counts (status, category, n) "
               "SELECT status, category, count(*) FROM listings GROUP BY status, category")
    for statement in POSTGRESQL_DDL if postgresql else SQLITE_DDL:
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_pending_claimed')
    for trigger in ("listing_counts_insert", "listing_counts_update", "listing_counts_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON listings" if op.get_bind().dialect.name == "postgresql"
                   else f"DROP TRIGGER IF EXISTS {trigger}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS listing_counts_follow()")
    op.drop_table('listing_counts')
