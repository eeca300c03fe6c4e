"""PostgreSQL: ``COPY … FROM STDIN`` per table and chunk, with psycopg 3, in one transaction.

Django creates every foreign key DEFERRABLE INITIALLY DEFERRED, so each row
COPY'd into a table queues a trigger event that is checked at commit, which
makes COPY several times slower. The sink makes the constraints IMMEDIATE
for its transaction, so every check happens as its statement ends. For a
model with at least ``rebuild_min`` rows it drops the foreign keys of its
tables inside the transaction and adds them back, under the same name and
definition, before committing. Adding a foreign key checks every row of the
table in one pass, so the data is proven against every constraint;
PostgreSQL's DDL is transactional, so on any failure the rollback restores
the schema with the rows.

The COPYs run on a thread of their own, a few chunks behind: while the
server files one chunk, the main thread makes the next. A failure on that
thread is raised by the next ``write`` or by ``close``, naming its chunk.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence

from seedgen.generate.chunks import Chunk
from seedgen.sinks.database import PLAIN_KINDS, DatabaseSink, Table

REBUILD_MIN_ROWS = 20_000
QUEUED_CHUNKS = 2  # chunks made ahead of the COPY thread; bounds memory


class PostgresSink(DatabaseSink):
    # psycopg adapts these itself, as Django's PostgreSQL operations leave them.
    plain_kinds = PLAIN_KINDS | {"DateTimeField", "DateField", "TimeField", "DecimalField", "FloatField", "UUIDField"}

    def __init__(self, alias: str = "default", *, clear: bool = False, rebuild_min: int | None = None) -> None:
        super().__init__(alias, clear=clear)
        self.rebuild_min = REBUILD_MIN_ROWS if rebuild_min is None else rebuild_min
        self.dropped: list[tuple[str, str, str]] = []
        self.writer: threading.Thread | None = None
        self.failure: tuple[Chunk | None, BaseException] | None = None

    def begin(self) -> None:
        tables = [t.name for m in self.plan.models if m.count >= self.rebuild_min for t in self.tables[m.label]]
        with self.connection.cursor() as cursor:
            # Check what --clear deleted now, and each COPY as it ends: a table with
            # pending trigger events cannot be altered, and errors then name their model.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if tables:
                self.drop_foreign_keys(cursor, tables)
        self.jobs: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
        self.writer = threading.Thread(target=self.copy_all, name="seedgen-copy", daemon=True)
        self.writer.start()

    def drop_foreign_keys(self, cursor, tables: list[str]) -> None:
        quote = self.connection.ops.quote_name
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        self.dropped = cursor.fetchall()
        for table, name, _ in self.dropped:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")

    def write(self, chunk: Chunk) -> None:
        self.raise_failure()
        self.jobs.put((chunk, self.batches(chunk)))

    def copy_all(self) -> None:
        """The COPY thread: every queued chunk until the ``None`` that ends them; none after a failure."""
        while (job := self.jobs.get()) is not None:
            chunk, batches = job
            if self.failure is not None:
                continue
            try:
                for table, rows in batches:
                    self.insert(table, rows)
            except BaseException as exc:  # handed to the main thread
                self.failure = (chunk, exc)

    def stop_writer(self, *, cancel: bool = False) -> None:
        writer, self.writer = self.writer, None
        if writer is None:
            return
        if cancel:
            self.failure = self.failure or (None, KeyboardInterrupt())
            while not self.jobs.empty():
                self.jobs.get_nowait()
            self.connection.connection.cancel()  # stops a COPY under way; a no-op when idle
        self.jobs.put(None)
        writer.join()

    def raise_failure(self) -> None:
        if self.failure is not None:
            chunk, exc = self.failure
            with self.failing(chunk):
                raise exc

    def abort(self) -> None:
        self.stop_writer(cancel=True)
        super().abort()

    def finish(self) -> None:
        self.stop_writer()
        self.raise_failure()
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for table, name, definition in self.dropped:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        self.dropped = []

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        quote = self.connection.ops.quote_name
        sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) FROM STDIN"
        # The driver's own cursor: this runs on the COPY thread, where Django's connection may not be used.
        with self.connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)

    def is_unique_violation(self, exc: Exception) -> bool:
        return getattr(exc.__cause__, "sqlstate", None) == "23505"
