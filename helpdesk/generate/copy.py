"""Write generated rows straight into tables: COPY on PostgreSQL, batched executemany INSERTs elsewhere."""

from datetime import UTC
from decimal import Decimal

from sqlalchemy import insert

from helpdesk.extensions import db
from helpdesk.types import MONEY_SCALE, Money, UTCDateTime

BATCH = 20_000


def _converter(column_type):
    """Rows bypass SQLAlchemy's column types: aware times become naive UTC, money scaled integers."""
    if isinstance(column_type, UTCDateTime):
        return lambda v: None if v is None else v.astimezone(UTC).replace(tzinfo=None)
    if isinstance(column_type, Money):
        return lambda v: None if v is None else int(Decimal(v) * MONEY_SCALE)
    return None


class TableWriter:
    """Writes tuples of `columns` into `table`; `count` says how many so far."""

    def __init__(self, table, columns: tuple[str, ...]):
        self.table, self.columns, self.count = table, columns, 0
        self.converters = [(i, c) for i, name in enumerate(columns)
                           if (c := _converter(table.c[name].type)) is not None]
        self.postgres = db.engine.dialect.name == "postgresql"
        self._buffer: list[tuple] = []

    def _convert(self, row: tuple) -> tuple:
        if not self.converters:
            return row
        row = list(row)
        for index, convert in self.converters:
            row[index] = convert(row[index])
        return tuple(row)

    def write(self, rows) -> int:
        """Write every row of the iterable; return how many. Rows hold aware datetimes and Decimals."""
        if self.postgres:
            raw = db.session.connection().connection.driver_connection
            statement = f"COPY {self.table.name} ({', '.join(self.columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(self._convert(row))
                    self.count += 1
            return self.count
        stmt = insert(self.table)  # the column types convert here
        for row in rows:
            self._buffer.append(dict(zip(self.columns, row, strict=True)))
            if len(self._buffer) >= BATCH:
                self._flush(stmt)
        self._flush(stmt)
        return self.count

    def _flush(self, stmt) -> None:
        if self._buffer:
            db.session.execute(stmt.execution_options(render_nulls=True), self._buffer)
            self.count += len(self._buffer)
            self._buffer = []


def set_sequences(tables) -> None:
    """After rows with explicit ids: move each PostgreSQL id sequence past the highest id."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(db.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))

