"""MariaDB and MySQL: large multi-row INSERTs, in one transaction.

PyMySQL's ``executemany`` folds an ``INSERT … VALUES (%s, …)`` over many rows
into as few statements as fit its statement length; the sink lets a statement
grow to half the server's ``max_allowed_packet``.
"""

from __future__ import annotations

from collections.abc import Sequence

from seedgen.sinks.database import DatabaseSink, Table


class MySQLSink(DatabaseSink):
    def begin(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT @@max_allowed_packet")
            self.statement_bytes = max(1 << 20, int(cursor.fetchone()[0]) // 2)

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        with self.connection.cursor() as cursor:
            cursor.cursor.max_stmt_length = self.statement_bytes
            cursor.executemany(self.insert_sql(table), rows)

    def is_unique_violation(self, exc: Exception) -> bool:
        args = getattr(exc.__cause__, "args", ())
        return bool(args) and args[0] == 1062  # ER_DUP_ENTRY
