"""PostgreSQL: ``COPY … FROM STDIN`` per table and chunk, with psycopg 3, in one transaction.

Django creates every foreign key DEFERRABLE INITIALLY DEFERRED, so each row
COPY'd into a table queues a trigger event that is checked at commit, which
makes COPY several times slower. The sink makes the constraints IMMEDIATE
for its transaction, so every check happens as its statement ends. For a
model with at least ``rebuild_min`` new rows, whose table does not already hold
far more (by the planner's estimate), it drops the foreign keys and the
plain (non-unique) indexes of its tables inside the transaction and makes
them again, under the same name and definition, before committing: an index
built in one sort costs less than one kept up row by row. Adding a foreign
key checks every row of the table in one pass, so the data is proven against
every constraint; unique indexes stay, so a clash fails its chunk and is
named. PostgreSQL's DDL is transactional, so on any failure the rollback
restores the schema with the rows.

The COPYs run on the writer thread (see ``DatabaseSink.threaded``).
"""

from __future__ import annotations

from collections.abc import Sequence

from seedgen.planning import ModelPlan
from seedgen.sinks.database import PLAIN_KINDS, DatabaseSink, Table, forward_keys


class PostgresSink(DatabaseSink):
    # psycopg adapts these itself, as Django's PostgreSQL operations leave them.
    plain_kinds = PLAIN_KINDS | {"DateTimeField", "DateField", "TimeField", "DecimalField", "FloatField", "UUIDField"}
    threaded = True
    method = "COPY FROM STDIN"

    def __init__(self, alias: str = "default", *, clear: bool = False) -> None:
        super().__init__(alias, clear=clear)
        self.dropped: list[tuple[str, str, str]] = []  # the foreign keys to add back
        self.indexes: list[str] = []  # the CREATE INDEX of each index to make again

    def reserve_range(self, cursor, model: ModelPlan, first_free: int) -> int:
        """Move the table's sequence past the range in one statement. Sequences are not transactional:
        a client's nextval() from now on lands past the range, and a rollback leaves a harmless gap."""
        meta = model.model._meta
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.connection.ops.quote_name(meta.db_table),
                                                                 meta.pk.column])
        sequence = cursor.fetchone()[0]
        if sequence is None:
            return first_free
        cursor.execute("SELECT setval(%s, GREATEST(nextval(%s), %s) + %s - 1)",
                       [sequence, sequence, first_free, model.count])
        return cursor.fetchone()[0] - model.count + 1

    def begin(self) -> None:
        with self.connection.cursor() as cursor:
            tables = owned(cursor, self.rebuilt_tables(lambda names: estimated_rows(cursor, names)))
            # Check what --clear deleted now, and each COPY as it ends: a table with
            # pending trigger events cannot be altered, and errors then name their model.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # A key to rows the plan makes later (two models pointing at each other) waits for the commit.
            later = forward_keys(self.plan)
            if later:
                cursor.execute(
                    "SELECT c.conname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid "
                    "AND a.attnum = ANY(c.conkey) WHERE c.contype = 'f' AND c.condeferrable "
                    "AND (c.conrelid::regclass::text, a.attname) IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
                    [[t for t, _ in later], [c for _, c in later]])
                names = [row[0] for row in cursor.fetchall()]
                if names:
                    cursor.execute(f"SET CONSTRAINTS {', '.join(self.connection.ops.quote_name(n) for n in names)} DEFERRED")
            if tables:
                self.dropped = drop_foreign_keys(cursor, tables)
                self.indexes = drop_plain_indexes(cursor, tables)

    def delete_existing(self) -> None:
        """``--clear``: one TRUNCATE of the plan's tables (transactional here, and it leaves no dead rows for
        the COPY and the rebuilt keys to wade through), unless a table outside them has a foreign key to
        one of them (TRUNCATE would refuse, and CASCADE would empty that table too) or the user may not
        truncate one: then DELETE."""
        tables = [t.name for m in self.plan.models for t in self.tables[m.label]]
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_constraint WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) "
                "AND NOT conrelid = ANY(%s::regclass[])) OR NOT (SELECT bool_and(has_table_privilege(t, 'TRUNCATE')) "
                "FROM unnest(%s::regclass[]) AS t)", [tables, tables, tables])
            if cursor.fetchone()[0]:
                return super().delete_existing()
            cursor.execute(f"TRUNCATE {', '.join(self.connection.ops.quote_name(t) for t in tables)}")

    def cancel(self) -> None:
        self.connection.connection.cancel_safe()  # a no-op when the server is idle

    def finish(self) -> None:
        with self.connection.cursor() as cursor:
            for sql in self.indexes:
                cursor.execute(sql)
            add_foreign_keys(cursor, self.dropped)
        self.dropped, self.indexes = [], []

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) FROM STDIN"
        # The driver's own cursor: this runs on the writer thread, where Django's connection may not be used.
        with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)

    def is_unique_violation(self, exc: Exception) -> bool:
        return getattr(exc.__cause__, "sqlstate", None) == "23505"


def drop_foreign_keys(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of ``tables`` (a Django cursor); what ``add_foreign_keys`` needs to restore them."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        [tables],
    )
    keys = cursor.fetchall()
    for table, name, _ in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {cursor.db.ops.quote_name(name)}")
    return keys


def drop_plain_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the indexes of ``tables`` that enforce nothing (not unique, not a constraint's); their definitions."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [tables])
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f"DROP INDEX {name}")
    return [sql for _, sql in found]


def add_foreign_keys(cursor, keys: list[tuple[str, str, str]]) -> None:
    """Add back, same name and definition, the keys ``drop_foreign_keys`` dropped; each checks every row."""
    for table, name, definition in keys:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {cursor.db.ops.quote_name(name)} {definition}")


def owned(cursor, tables: list[str]) -> list[str]:
    """Those of ``tables`` the user may alter (owns, or is a member of the owning role): only an owner
    may drop and add back keys and indexes; the others keep theirs, and the rows go in all the same."""
    if not tables:
        return []
    cursor.execute("SELECT t FROM unnest(%s::text[]) AS t WHERE pg_has_role((SELECT relowner FROM pg_class "
                   "WHERE oid = to_regclass(quote_ident(t))), 'USAGE')", [tables])
    allowed = {row[0] for row in cursor.fetchall()}
    return [t for t in tables if t in allowed]


def estimated_rows(cursor, tables: list[str]) -> dict[str, float]:
    """The planner's estimate of each table's rows (``reltuples``; 0 for a table never analysed)."""
    cursor.execute("SELECT t, (SELECT reltuples FROM pg_class WHERE oid = to_regclass(quote_ident(t))) "
                   "FROM unnest(%s::text[]) AS t", [tables])
    return {name: max(0.0, rows or 0.0) for name, rows in cursor.fetchall()}
