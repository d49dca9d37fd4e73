"""Rows that may exist once, created by whichever of two writers comes first, on PostgreSQL and SQLite;
and work that two writers must not do at once (`one_writer_at_a_time`).

Reading a row and inserting it when missing races: two first runs at once both find nothing, both insert,
and one fails on the unique key. `INSERT ... ON CONFLICT DO NOTHING` instead makes PostgreSQL hold the
second insert until the first's transaction ends, then skip it (SQLite runs one writer at a time anyway).
"""

from sqlalchemy import inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite

from helpdesk.extensions import db


def dialect_insert(model):
    """INSERT for this database's dialect (PostgreSQL or SQLite), which has ON CONFLICT DO NOTHING."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


def locked_row(model, **values):
    """The row of `model` whose primary key is in `values`, locked until the transaction ends (SELECT ... FOR
    UPDATE: a second writer at once waits for this one's commit, then reads what it wrote); inserted with
    `values` first if missing."""
    db.session.execute(dialect_insert(model).values(**values).on_conflict_do_nothing())
    key = [column == values[column.key] for column in inspect(model).primary_key]
    return db.session.scalars(select(model).where(*key).with_for_update()
                              .execution_options(populate_existing=True)).one()


def one_writer_at_a_time(model, key: int) -> None:
    """Until the transaction ends, a second transaction making this call for the same table and key waits
    here for this one's commit or rollback, then reads what it wrote. For work that reads, then writes
    what it found missing (the audit sample of a day), where two at once would both find it missing.

    PostgreSQL: a transaction-level advisory lock on (the table's oid, key). SQLite runs one writer at a
    time, but a transaction that read before its first write fails with "database is locked" when another
    wrote meanwhile; so the call takes the write lock at once (a write that changes nothing), and the second
    writer waits for it (busy_timeout)."""
    mapper = inspect(model)
    table, column = mapper.local_table.name, mapper.primary_key[0].name
    if db.session.get_bind().dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(CAST(CAST(CAST(:table AS regclass) AS oid) AS integer), :key)")
        db.session.execute(lock, {"table": table, "key": key})
    else:
        db.session.execute(text(f"UPDATE {table} SET {column} = {column} WHERE 0 = 1"))
