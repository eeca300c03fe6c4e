"""SQLite: ``executemany`` of pre-built tuples on the driver's cursor, one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from seedgen.sinks.database import DatabaseSink, Table


class SqliteSink(DatabaseSink):
    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        with self.connection.cursor() as cursor:
            # Django's cursor rewrites "%s" and peeks at the rows on every call; sqlite3's own takes "?" as is.
            sqlite3.Cursor.executemany(cursor.cursor, self.insert_sql(table, "?"), rows)

    def is_unique_violation(self, exc: Exception) -> bool:
        return str(exc).startswith("UNIQUE constraint failed")
