"""Rows that may exist once, created by whichever of two writers comes first, on PostgreSQL and SQLite.

Reading a row and inserting it when missing races: two first runs at once both find nothing, both insert,
and one fails on the unique key. `INSERT ... ON CONFLICT DO NOTHING` instead makes PostgreSQL hold the
second insert until the first's transaction ends, then skip it (SQLite runs one writer at a time anyway).
"""

from sqlalchemy import inspect, select
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
