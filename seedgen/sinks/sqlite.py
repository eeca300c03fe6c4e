"""SQLite: a chunk's rows in one statement on the writer thread, one transaction.

A table's rows go to SQLite as one JSON array, which a single ``INSERT …
SELECT … FROM json_each(?)`` unpacks in C. That matters twice: SQLite parses
and files the rows without Python's help, and it does so with the GIL
released, so the main thread makes the next chunk meanwhile. (``executemany``
takes the GIL back for every row: with the main thread busy, each row then
waits out a thread switch, and the writes crawl.) Rows holding a value JSON
would not carry exactly as the driver binds it (a float, bytes, an integer of
2**53 or more, a NUL) go through ``executemany`` instead.

For a model with at least ``rebuild_min`` new rows (and a table not already
holding far more) the plain (non-unique) indexes of its tables are dropped inside the transaction and made again, from their
own ``CREATE INDEX``, before the commit: one sort instead of a B-tree insert
per row (for a many-to-many table's keys, a third of the time). Unique
indexes stay, so a clash still fails its chunk. SQLite's DDL is
transactional: a rollback restores the indexes with the rows.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from itertools import chain

import orjson
from django.db import DatabaseError, connections

from seedgen.errors import SinkError, first_line
from seedgen.planning import Plan
from seedgen.sinks.database import DatabaseSink, Table

# The values a JSON array carries to SQLite as the driver would bind them: Decimal as str(), as
# Django's adapter does.
_AS_JSON = frozenset({int, str, bool, type(None), decimal.Decimal})


class SqliteSink(DatabaseSink):
    naive_datetimes = True
    threaded = True
    method = "INSERT … SELECT FROM json_each, a statement per table and chunk"

    def __init__(self, alias: str = "default", *, clear: bool = False) -> None:
        super().__init__(alias, clear=clear)
        self.indexes: list[str] = []  # the CREATE INDEX of each index to make again

    def reserve(self, plan: Plan) -> dict[str, int]:
        """SQLite lets one writer in at a time: take the write lock (BEGIN IMMEDIATE) before reading where
        the rows go, and keep it, in the same transaction, until they are in."""
        self.connection = connections[self.alias]
        try:
            with self.connection.wrap_database_errors:
                self.start_transaction("IMMEDIATE")
        except DatabaseError as exc:
            raise SinkError(f"database {self.alias!r}: cannot start writing: {first_line(exc)}") from None
        try:
            return super().reserve(plan)
        except BaseException:
            self.rollback()  # the write lock goes with the transaction
            raise

    def begin(self) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            def existing_rows(names: list[str]) -> dict[str, int]:  # the largest rowid: a count, roughly, at once
                held = {}
                for name in names:
                    cursor.execute(f"SELECT MAX(rowid) FROM {quote(name)}")
                    held[name] = cursor.fetchone()[0] or 0
                return held

            tables = self.rebuilt_tables(existing_rows)
            if not tables:
                return
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND sql NOT LIKE 'CREATE UNIQUE %' AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
                tables)
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
        self.indexes = [sql for _, sql in indexes]

    def finish(self) -> None:
        with self.connection.cursor() as cursor:
            for sql in self.indexes:
                cursor.execute(sql)
        self.indexes = []

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        raw = self.connection.connection  # Django opens it with check_same_thread=False
        payload = as_json(rows)
        if payload is None:
            raw.executemany(self.insert_sql(table, "?"), rows)
        else:
            raw.execute(self.json_insert_sql(table), (payload,))

    def json_insert_sql(self, table: Table) -> str:
        quote = self.connection.ops.quote_name
        picks = ", ".join(f"value ->> {i}" for i in range(len(table.columns)))
        return f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) " \
               f"SELECT {picks} FROM json_each(?)"

    def cancel(self) -> None:
        raw = self.connection.connection
        if raw is not None:
            raw.interrupt()

    def is_unique_violation(self, exc: Exception) -> bool:
        return str(exc).startswith("UNIQUE constraint failed")


def as_json(rows: Sequence[tuple]) -> str | None:
    """The rows as one JSON array of arrays, or None when a value would not arrive as the driver binds it."""
    if not set(map(type, chain.from_iterable(rows))) <= _AS_JSON:
        return None
    try:
        payload = orjson.dumps(rows, default=_decimal, option=orjson.OPT_STRICT_INTEGER)
    except orjson.JSONEncodeError:  # an integer of 2**53 or more, a lone surrogate
        return None
    if b"\\u0000" in payload:  # SQLite's JSON would end such a text at the NUL
        return None
    return payload.decode()


def _decimal(value: decimal.Decimal) -> str:
    if type(value) is decimal.Decimal:
        return str(value)
    raise TypeError

