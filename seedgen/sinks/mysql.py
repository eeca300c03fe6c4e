"""MariaDB and MySQL: LOAD DATA LOCAL INFILE or large multi-row INSERTs on the writer thread, in one transaction.

When both ends allow it (the server's ``local_infile`` is on, and the PyMySQL
connection was opened with ``local_infile``, as seedgen's own ``--database-url``
connections are) each table's rows of a chunk are written as one
tab-separated file, rendered a column at a time, and loaded with ``LOAD DATA
LOCAL INFILE``. The server treats a LOCAL load as IGNORE: a duplicate key, a
missing referenced row or a value it had to adjust becomes a warning and the
row is skipped or changed. So every load must report exactly its rows and no
warning; otherwise the first warning is raised as the error it stands for and
the run rolls back. Only tables whose rows carry their pk are loaded: InnoDB
hands a bulk load AUTO_INCREMENT values in growing blocks and leaves gaps, so
a many-to-many table's pairs go in as INSERTs, numbered 1, 2, 3 … as any other
way of filling it would. So does a chunk holding a value the file cannot carry
as the driver would (bytes, a date object).

Otherwise the VALUES lists are rendered a column at a time: one way of quoting
per column instead of the driver's look-up per value. A statement grows to an
eighth of the server's ``max_allowed_packet`` in characters (a character is
at most four bytes in utf8mb4). With a driver other than PyMySQL the sink
falls back to the driver's ``executemany``. The run's summary says which way
the rows went in.
"""

from __future__ import annotations

import decimal
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

from seedgen.planning import ModelPlan
from seedgen.sinks.database import DatabaseSink, Table, forward_keys

# The file format LOAD DATA reads by default: tab between fields, newline after a row, backslash escapes.
_TSV = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})
_TSV_KINDS = frozenset({str, int, bool, float, decimal.Decimal, type(None)})


class MySQLSink(DatabaseSink):
    threaded = True
    deferred: tuple[str, ...] = ()  # tables whose keys are checked once all rows are in (set by begin)
    directory: str | None = None  # where LOAD DATA's file is written, when the rows go in that way
    loadable: frozenset[str] | set[str] = frozenset()  # the tables whose rows carry their pk (set by begin)

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
        if self.escape is not None and getattr(raw, "_local_infile", False):
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT @@local_infile")
                if cursor.fetchone()[0]:
                    self.directory = tempfile.mkdtemp(prefix="seedgen-load-")
        own = (self.tables[m.label][0] for m in self.plan.models)
        self.loadable = {t.name for t, m in zip(own, self.plan.models) if m.model._meta.pk.column in t.columns}
        self.method = ("LOAD DATA LOCAL INFILE (many-to-many pairs by multi-row INSERTs)" if self.directory else
                       "multi-row INSERTs" if self.escape else "the driver's executemany")

    def rollback(self) -> None:
        super().rollback()
        if self.deferred and self.connection.connection is not None:
            self.connection.enable_constraint_checking()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.remove_directory()

    def abort(self) -> None:
        try:
            super().abort()
        finally:
            self.remove_directory()

    def remove_directory(self) -> None:
        directory, self.directory = self.directory, None
        if directory:
            shutil.rmtree(directory, ignore_errors=True)

    def finish(self) -> None:
        if self.deferred:
            self.connection.enable_constraint_checking()
            self.connection.check_constraints(table_names=self.deferred)

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        raw = self.connection.connection  # this runs on the writer thread, where Django's connection may not be used
        with raw.cursor() as cursor:
            if self.directory and table.name in self.loadable and (text := tsv(rows)) is not None:
                self.load(cursor, table, text, len(rows))
                return
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

    def load(self, cursor, table: Table, text: str, rows: int) -> None:
        """LOAD DATA of one file of ``rows`` rows; any skipped row or warning is raised as an error."""
        path = os.path.join(self.directory, "rows.tsv")
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        quote = self.connection.ops.quote_name
        try:
            loaded = cursor.execute(f"LOAD DATA LOCAL INFILE {self.escape(path)} INTO TABLE {quote(table.name)} "
                                    f"CHARACTER SET utf8mb4 ({', '.join(quote(c) for c in table.columns)})")
        finally:
            os.unlink(path)
        if loaded != rows or cursor.warning_count:
            from pymysql.err import error_map

            # The driver's classes as Django's error wrapper knows them (pymysql.err may be loaded twice,
            # once under the MySQLdb name).
            errors = self.connection.Database
            cursor.execute("SHOW WARNINGS LIMIT 1")
            warning = cursor.fetchone()
            if warning is None:
                raise errors.DataError(0, f"{table.name}: LOAD DATA took {loaded} of {rows} rows")
            _, code, message = warning
            raise getattr(errors, error_map.get(code, errors.DataError).__name__)(code, message)

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


def tsv(rows: Sequence[tuple]) -> str | None:
    """The rows as LOAD DATA's default file format, or None when a value is not one it carries as the driver
    would (bytes, a date object: those chunks go in as INSERTs)."""
    columns = []
    for column in zip(*rows):
        kinds = set(map(type, column))
        if not kinds <= _TSV_KINDS:
            return None
        if kinds <= {str}:
            columns.append([v.translate(_TSV) for v in column])
        elif kinds <= {int}:
            columns.append(list(map(str, column)))
        else:
            columns.append([_tsv_value(v) for v in column])
    return "".join("\t".join(values) + "\n" for values in zip(*columns))


def _tsv_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value.translate(_TSV)
    return repr(value) if isinstance(value, float) else str(value)
