"""MariaDB and MySQL: large multi-row INSERTs on the writer thread, in one transaction.

The VALUES lists are rendered a column at a time: one way of quoting per
column instead of the driver's look-up per value. A statement grows to an
eighth of the server's ``max_allowed_packet`` in characters (a character is
at most four bytes in utf8mb4). With a driver other than PyMySQL the sink
falls back to the driver's ``executemany``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from seedgen.planning import ModelPlan
from seedgen.sinks.database import DatabaseSink, Table, forward_keys


class MySQLSink(DatabaseSink):
    threaded = True
    deferred: tuple[str, ...] = ()  # tables whose keys are checked once all rows are in (set by begin)

    def reserve_range(self, cursor, model: ModelPlan, first_free: int) -> int:
        """Move the table's AUTO_INCREMENT past the range (an ALTER commits at once, so this runs before
        the transaction): a client's insert from now on takes a pk past it."""
        meta = model.model._meta
        table, column = (self.connection.ops.quote_name(n) for n in (meta.db_table, meta.pk.column))
        cursor.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = %s", [meta.db_table])
        row = cursor.fetchone()
        start = max(first_free, int(row[0] or 0)) if row else first_free
        while True:
            cursor.execute(f"ALTER TABLE {table} AUTO_INCREMENT = {start + model.count}")
            # Rows a client inserted before the ALTER took effect may sit in the range: look, move past them.
            cursor.execute(f"SELECT MAX({column}) FROM {table}")
            top = cursor.fetchone()[0] or 0
            if top < start:
                return start
            start = top + 1

    def begin(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT @@max_allowed_packet")
            self.statement_chars = max(1 << 17, int(cursor.fetchone()[0]) // 8)
        # InnoDB checks each key as its row goes in; keys to rows made later (two models pointing
        # at each other) are checked once all rows are in, as loaddata does.
        self.deferred = tuple(sorted({table for table, _ in forward_keys(self.plan)}))
        if self.deferred:
            self.connection.disable_constraint_checking()
        raw = self.connection.connection
        # PyMySQL's escape() quotes as the session's sql_mode wants (NO_BACKSLASH_ESCAPES or not).
        self.escape = raw.escape if type(raw).__module__.startswith("pymysql") else None

    def rollback(self) -> None:
        super().rollback()
        if self.deferred and self.connection.connection is not None:
            self.connection.enable_constraint_checking()

    def finish(self) -> None:
        if self.deferred:
            self.connection.enable_constraint_checking()
            self.connection.check_constraints(table_names=self.deferred)

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        raw = self.connection.connection  # this runs on the writer thread, where Django's connection may not be used
        with raw.cursor() as cursor:
            if self.escape is None:
                cursor.executemany(self.insert_sql(table), rows)
                return
            head = self.insert_sql(table).partition(" VALUES ")[0] + " VALUES "
            columns = [list(map(self.renderer(column), column)) for column in zip(*rows)]
            batch: list[str] = []
            size = 0
            for values in zip(*columns):
                row = f"({','.join(values)})"
                if batch and size + len(row) > self.statement_chars:
                    cursor.execute(head + ",".join(batch))
                    batch, size = [], 0
                batch.append(row)
                size += len(row) + 1
            if batch:
                cursor.execute(head + ",".join(batch))

    def renderer(self, column: Sequence[Any]) -> Callable[[Any], str]:
        """How to write every value of a column as an SQL literal, chosen once from its first value."""
        sample = next((v for v in column if v is not None), None)
        if isinstance(sample, bool):
            return lambda v: "NULL" if v is None else ("1" if v else "0")
        if isinstance(sample, int):
            return lambda v: "NULL" if v is None else str(int(v))
        return self.escape  # strings first, then any type the driver knows; None is NULL

    def is_unique_violation(self, exc: Exception) -> bool:
        args = getattr(exc.__cause__, "args", ())
        return bool(args) and args[0] == 1062  # ER_DUP_ENTRY
