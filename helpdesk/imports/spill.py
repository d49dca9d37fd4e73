"""The import's memory stays bounded: what later lines may refer to spills to a temporary table.

A `SpilledMap` maps a key (a string) to a small value (a tuple or list of ints, bools, strings and None).
Only the entries of the last two chunks stay in Python. Before a chunk is checked, `Spill.prefetch` brings
back, in one query, the spilled entries its lines will look up; after it, `Spill.end_chunk` writes the
chunk's new entries to the table (one COPY on PostgreSQL) and forgets the older ones. Most keys an import
looks up are new (a message's own id, a client's day), so a Bloom filter over every key ever written
answers "not there" without a query; its rare false positives cost a lookup, never a wrong answer.

On PostgreSQL the table lives on the import's side connection (autocommit; services.py), so spilling never
waits for the import's COPYs, which hold the import's connection; elsewhere (SQLite, tests) it is on the
import's connection. A value must not change once its chunk is over (nothing updates the spilled row).
"""

import ast

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError

TABLE = "import_spill"
_BLOOM_BITS = 1 << 28  # 32 MB: under 1 % false positives up to about 20 M keys (two probes)
_MASK = _BLOOM_BITS - 1
_SQLITE_BATCH = 500


class Spill:
    """The temporary table behind the import's maps, their Bloom filter and their chunk generations."""

    def __init__(self, session, connection=None):
        """`connection`: where the table lives (the session's connection if None). The caller closes it."""
        import_connection = session.connection()
        self.postgres = import_connection.dialect.name == "postgresql"
        if connection is not None:
            self.connection = connection
            try:
                # Session-local buffers for the temporary table: settable only before the pooled
                # connection first used one (then it keeps what it had).
                self.connection.execute(text("SET temp_buffers = '64MB'"))
            except DBAPIError:
                pass
        else:
            self.connection = import_connection
        self.connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
        self.connection.execute(text(
            f"CREATE TEMPORARY TABLE {TABLE} (map SMALLINT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, "
            "PRIMARY KEY (map, key))"))
        self.bits = bytearray(_BLOOM_BITS >> 3)
        self.maps: list[SpilledMap] = []
        self.spilled = 0

    def map(self) -> "SpilledMap":
        spilled_map = SpilledMap(self, len(self.maps) + 1)
        self.maps.append(spilled_map)
        return spilled_map

    def prefetch(self, wanted: dict["SpilledMap", set[str]]) -> None:
        """Bring back into memory the spilled entries among these keys (per map) that are not in memory."""
        bits, salt_of = self.bits, _salt
        maps, keys = [], []
        for spilled_map, candidates in wanted.items():
            recent, older, salt = spilled_map.recent, spilled_map.older, salt_of(spilled_map.id)
            for key in candidates:
                if key in recent or key in older:
                    continue
                h = hash(key) ^ salt
                a, b = h & _MASK, (h >> 32) & _MASK
                if bits[a >> 3] & (1 << (a & 7)) and bits[b >> 3] & (1 << (b & 7)):
                    maps.append(spilled_map.id)
                    keys.append(key)
        if not keys:
            return
        by_id = {m.id: m for m in self.maps}
        for map_id, key, value in self._select(maps, keys):
            by_id[map_id].recent[key] = ast.literal_eval(value)

    def _select(self, maps: list[int], keys: list[str]):
        if self.postgres:
            return self.connection.execute(text(
                f"SELECT s.map, s.key, s.value FROM {TABLE} s JOIN unnest(CAST(:maps AS smallint[]), "
                "CAST(:keys AS text[])) AS w(map, key) ON s.map = w.map AND s.key = w.key"),
                {"maps": maps, "keys": keys}).all()
        rows = []
        query = text(f"SELECT map, key, value FROM {TABLE} WHERE map = :map AND key IN :keys").bindparams(
            bindparam("keys", expanding=True))
        for map_id in set(maps):
            of_map = [k for m, k in zip(maps, keys, strict=True) if m == map_id]
            for start in range(0, len(of_map), _SQLITE_BATCH):
                rows.extend(self.connection.execute(query, {"map": map_id, "keys": of_map[start:start + _SQLITE_BATCH]}))
        return rows

    def end_chunk(self) -> None:
        """Write the chunk's new entries and keep only this chunk's and the previous chunk's in memory."""
        rows = []
        bits = self.bits
        for spilled_map in self.maps:
            recent, salt = spilled_map.recent, _salt(spilled_map.id)
            for key in spilled_map.new:
                h = hash(key) ^ salt
                a, b = h & _MASK, (h >> 32) & _MASK
                bits[a >> 3] |= 1 << (a & 7)
                bits[b >> 3] |= 1 << (b & 7)
                rows.append((spilled_map.id, key, repr(recent[key])))
            spilled_map.new = []
            spilled_map.older, spilled_map.recent = recent, {}
        if rows:
            self._write(rows)
            self.spilled += len(rows)

    def _write(self, rows: list[tuple]) -> None:
        if self.postgres:
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(f"COPY {TABLE} (map, key, value) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        self.connection.execute(text(f"INSERT INTO {TABLE} (map, key, value) VALUES (:m, :k, :v)"),
                                [{"m": m, "k": k, "v": v} for m, k, v in rows])

    def close(self) -> None:
        """Drop the table. Only the first call does anything."""
        if self.connection is None:
            return
        connection, self.connection = self.connection, None
        connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def _salt(map_id: int) -> int:
    return map_id * 0x9E3779B97F4A7C15


class SpilledMap:
    """A map whose older entries live in the spill table; every key looked up must be prefetched first."""

    def __init__(self, spill: Spill, map_id: int):
        self.spill = spill
        self.id = map_id
        self.recent: dict = {}  # this chunk's entries, and those prefetched for it
        self.older: dict = {}  # the previous chunk's (all already written to the table)
        self.new: list[str] = []  # keys of `recent` not yet written

    def get(self, key: str, default=None):
        value = self.recent.get(key)
        if value is None:
            value = self.older.get(key, default)
        return value

    def __getitem__(self, key: str):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return key in self.recent or key in self.older

    def __setitem__(self, key: str, value) -> None:
        if key not in self:
            self.new.append(key)
        self.recent[key] = value

    def add(self, key: str) -> None:
        """Use the map as a set."""
        if key not in self:
            self[key] = True
