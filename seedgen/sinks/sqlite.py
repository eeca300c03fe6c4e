"""SQLite: ``executemany`` of pre-built tuples on the driver's cursor, one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from django.db import DatabaseError, connections

from seedgen.errors import SinkError, first_line
from seedgen.planning import Plan
from seedgen.sinks.database import DatabaseSink, Table


class SqliteSink(DatabaseSink):
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

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        with self.connection.cursor() as cursor:
            # Django's cursor rewrites "%s" and peeks at the rows on every call; sqlite3's own takes "?" as is.
            sqlite3.Cursor.executemany(cursor.cursor, self.insert_sql(table, "?"), rows)

    def is_unique_violation(self, exc: Exception) -> bool:
        return str(exc).startswith("UNIQUE constraint failed")
