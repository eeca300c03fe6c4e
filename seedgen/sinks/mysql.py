"""MariaDB and MySQL: LOAD DATA LOCAL INFILE or large multi-row INSERTs on the writer thread, in one transaction.

When both ends allow it (the server's ``local_infile`` is on, and the PyMySQL
connection was opened with ``local_infile``, as seedgen's own ``--database-url``
connections are) each table's rows of a chunk are written as one
tab-separated file, rendered a column at a time, and loaded with ``LOAD DATA
LOCAL INFILE``. The server treats a LOCAL load as IGNORE: a duplicate key, a
missing referenced row or a value it had to adjust becomes a warning and the
row is skipped or changed. So every load must report exactly its rows and no
warning; otherwise the first warning is raised as the error it stands for and
the run rolls back. InnoDB hands a bulk load AUTO_INCREMENT values in growing
blocks and leaves gaps, so a many-to-many table's pairs are given their ids
by the sink, in order from the table's next one, as INSERTs would get them;
when appending, a range for them is reserved before the transaction as for
the models' pks (as many as the profile can make, so the counter may end up
past the last pair). A chunk holding a value the file cannot carry as the
driver would (bytes, a date object) goes in as INSERTs.

Otherwise the VALUES lists are rendered a column at a time: one way of quoting
per column instead of the driver's look-up per value. A statement grows to an
eighth of the server's ``max_allowed_packet`` in characters (a character is
at most four bytes in utf8mb4). With a driver other than PyMySQL the sink
falls back to the driver's ``executemany``. The run's summary says which way
the rows went in.
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.db import DatabaseError

from seedgen.errors import SinkError, first_line
from seedgen.generate.chunks import Chunk
from seedgen.planning import ModelPlan, Plan
from seedgen.sinks.database import DatabaseSink, Table, forward_keys

# The file format LOAD DATA reads by default: tab between fields, newline after a row, backslash escapes.
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}  # the backslash first
_TSV = str.maketrans(_TSV_ESCAPES)
_TSV_KINDS = frozenset({str, int, bool, float, decimal.Decimal, type(None)})


class LoadFile(NamedTuple):
    """A table's rows of a chunk as LOAD DATA's file."""

    text: str
    rows: int


class MySQLSink(DatabaseSink):
    naive_datetimes = True
    threaded = True
    deferred: tuple[str, ...] = ()  # tables whose keys are checked once all rows are in (set by begin)
    directory: str | None = None  # where LOAD DATA's file is written, when the rows go in that way
    loadable: frozenset[str] | set[str] = frozenset()  # the tables whose rows carry their pk (set by begin)
    pair_ids: dict[str, list] | None = None  # pair table -> [pk column, next id], when LOAD DATA fills it

    def reserve(self, plan: Plan) -> dict[str, int]:
        """The models' pk ranges, and, when LOAD DATA will fill the pair tables, a range of ids for their pairs."""
        starts = super().reserve(plan)
        self.reserved_pairs: dict[str, int] = {}
        try:
            with self.connection.wrap_database_errors:
                if not self.can_load:
                    return starts
                with self.connection.cursor() as cursor:
                    for table, column, most in pair_tables(plan):
                        self.reserved_pairs[table] = reserve_ids(cursor, self.connection.ops.quote_name, table,
                                                                 column, 1, most)
        except DatabaseError as exc:
            raise SinkError(f"database {self.alias!r}: cannot reserve the rows' pks: {first_line(exc)}") from None
        return starts

    def reserve_range(self, cursor, model: ModelPlan, first_free: int) -> int:
        """Move the table's AUTO_INCREMENT past the range (an ALTER commits at once, so this runs before
        the transaction): a client's insert from now on takes a pk past it."""
        meta = model.model._meta
        return reserve_ids(cursor, self.connection.ops.quote_name, meta.db_table, meta.pk.column, first_free,
                           model.count)

    @functools.cached_property
    def can_load(self) -> bool:
        """Whether LOAD DATA LOCAL INFILE is open to this run: a PyMySQL connection with ``local_infile``,
        and the server's ``local_infile`` on (asked once, by ``reserve`` or ``begin``)."""
        raw = self.connection.connection
        if not (type(raw).__module__.startswith("pymysql") and getattr(raw, "_local_infile", False)):
            return False
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT @@local_infile")
            return bool(cursor.fetchone()[0])

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
        if self.can_load:
            self.directory = tempfile.mkdtemp(prefix="seedgen-load-")
        own = (self.tables[m.label][0] for m in self.plan.models)
        self.loadable = {t.name for t, m in zip(own, self.plan.models) if m.model._meta.pk.column in t.columns}
        if self.directory:  # the pairs get their ids here: from the reserved range, or the table's next id
            reserved = getattr(self, "reserved_pairs", {})
            self.pair_ids = {}
            with self.connection.cursor() as cursor:
                for table, column, _ in pair_tables(self.plan):
                    self.pair_ids[table] = [column, reserved.get(table) or next_id(cursor, table, column)]
            self.loadable |= set(self.pair_ids)
        self.method = ("LOAD DATA LOCAL INFILE" if self.directory else
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

    def batches(self, chunk: Chunk) -> list[tuple[Table, Any]]:
        """The chunk's rows per table, made ready on the main thread (which would otherwise wait for the
        writer): the pairs numbered and, when LOAD DATA takes them, each table's rows as its file."""
        out = []
        for table, rows in super().batches(chunk):
            if self.pair_ids and table.name in self.pair_ids:
                table, rows = self.numbered(table, rows)
            if self.directory and table.name in self.loadable and (text := tsv(rows)) is not None:
                rows = LoadFile(text, len(rows))
            out.append((table, rows))
        return out

    def insert(self, table: Table, rows: Sequence[tuple] | LoadFile) -> None:
        raw = self.connection.connection  # this runs on the writer thread, where Django's connection may not be used
        with raw.cursor() as cursor:
            if isinstance(rows, LoadFile):
                self.load(cursor, table, rows.text, rows.rows)
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

    def numbered(self, table: Table, rows: Sequence[tuple]) -> tuple[Table, list[tuple]]:
        """A chunk's pairs with their ids, the next ones of the table (chunks come in order)."""
        entry = self.pair_ids[table.name]
        column, first = entry
        entry[1] = first + len(rows)
        numbered = dataclasses.replace(table, columns=(column, *table.columns), owners=("", *table.owners))
        return numbered, [(first + i, *row) for i, row in enumerate(rows)]

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
            columns.append(_tsv_strings(column))
        elif kinds <= {int}:
            columns.append(list(map(str, column)))
        elif kinds <= {bool}:
            columns.append(["1" if v else "0" for v in column])
        elif kinds <= {str, type(None)}:  # a nullable string column: \N is no string's escape
            texts = _tsv_strings(["" if v is None else v for v in column])
            columns.append(["\\N" if v is None else t for v, t in zip(column, texts)])
        else:
            columns.append([_tsv_value(v) for v in column])
    return "".join(line + "\n" for line in map("\t".join, zip(*columns)))


def _tsv_strings(column: Sequence[str]) -> list[str]:
    """A column of strings escaped; one look over the whole column first, as most need no escape at all."""
    joined = "\x1f".join(column)
    found = [c for c in _TSV_ESCAPES if c in joined]
    if not found:
        return list(column)
    if joined.count("\x1f") != len(column) - 1:  # a value holds the separator itself
        return [v.translate(_TSV) for v in column]
    for c in found:  # the backslash first
        joined = joined.replace(c, _TSV_ESCAPES[c])
    return joined.split("\x1f")


def _tsv_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str):
        return value.translate(_TSV)
    return repr(value) if isinstance(value, float) else str(value)


def pair_tables(plan: Plan) -> list[tuple[str, str, int]]:
    """(table, pk column, most pairs the plan can make) of each auto-created many-to-many table it fills."""
    out = []
    for model in plan.models:
        for f in model.m2m:
            through = f.field.remote_field.through._meta
            per_row = f.options.get("count", (0, 0))[1] + 1  # a symmetrical relation links up to 2 * (high // 2)
            named = sum(len(obj.values.get(f.name) or ()) for obj in model.objects)
            out.append((through.db_table, through.pk.column, model.count * per_row + named))
    return out


def reserve_ids(cursor, quote, table: str, column: str, first_free: int, count: int) -> int:
    """The first of ``count`` ids of ``table`` that only this run will use: AUTO_INCREMENT is moved past them
    (an ALTER commits at once: this runs before the transaction), so a client's insert takes an id past it."""
    start = max(first_free, next_id(cursor, table, column, quote=quote))
    while True:
        cursor.execute(f"ALTER TABLE {quote(table)} AUTO_INCREMENT = {start + count}")
        # Rows a client inserted before the ALTER took effect may sit in the range: look, move past them.
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        top = cursor.fetchone()[0] or 0
        if top < start:
            return start
        start = top + 1


def next_id(cursor, table: str, column: str, *, quote=None) -> int:
    """The id the table's next insert would take: past its AUTO_INCREMENT and its largest id."""
    quote = quote or cursor.db.ops.quote_name
    cursor.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                   "AND TABLE_NAME = %s", [table])
    row = cursor.fetchone()
    cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
    top = cursor.fetchone()[0] or 0
    return max(int(row[0] or 1) if row else 1, top + 1)
