"""Insert rows through a Django database connection, all in one transaction.

``database_sink(alias)`` picks the module written for the connection's
vendor (``sqlite``, ``postgresql``, ``mysql``); this module holds what they
share. Before the first row: every table and column the plan writes must
exist, and ``--clear`` must not strand rows of models outside the profile.
Rows go in a chunk at a time; on any failure the transaction rolls back and
the database is as it was, and a unique clash is explained by model, field
and value.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connections, models, transaction
from django.utils.module_loading import import_string

from seedgen.errors import SinkError, first_line
from seedgen.generate.chunks import Chunk
from seedgen.planning import ModelPlan, Plan, Table
from seedgen.planning.introspect import unique_fields
from seedgen.sinks.base import Sink
from seedgen.sinks.values import spaced_utc_seconds

VENDORS = {
    "sqlite": "seedgen.sinks.sqlite.SqliteSink",
    "postgresql": "seedgen.sinks.postgresql.PostgresSink",
    "mysql": "seedgen.sinks.mysql.MySQLSink",
}
# Values of these fields are already what every backend's driver takes (Django's own
# field classes only: a third-party field may transform values in get_db_prep_value).
PLAIN_KINDS = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "ForeignKey", "OneToOneField",
})
_LOOKUP_BATCH = 500
QUEUED_CHUNKS = 2  # chunks made ahead of the writer thread; bounds memory
# A model with at least this many new rows has its tables' secondary structures (PostgreSQL's foreign
# keys, SQLite's plain indexes) dropped for the run and rebuilt in one pass before the commit, unless the
# table already holds more than REBUILD_MAX_EXISTING times as many (the rebuild reads every row).
REBUILD_MIN_ROWS = 5_000
REBUILD_MAX_EXISTING = 4


def database_sink(alias: str = "default", *, clear: bool = False) -> DatabaseSink:
    """The sink for the vendor of database ``alias``."""
    path = VENDORS.get(connections[alias].vendor)
    return (import_string(path) if path else DatabaseSink)(alias, clear=clear)


class DatabaseSink(Sink):
    """The generic database sink: ``executemany`` of prepared tuples. Vendors override ``insert``."""

    # Fields whose generated values go to the driver without ``get_db_prep_save``.
    plain_kinds = PLAIN_KINDS
    # Insert on a thread of its own, a few chunks behind, through the driver's connection:
    # while the server files one chunk, the main thread makes the next. A failure there
    # is raised by the next ``write`` or by ``close``, naming its chunk.
    threaded = False
    # The vendor's Django operations write an aware datetime as str() of it made naive in the
    # connection's zone (SQLite's and MySQL's do).
    naive_datetimes = False

    def __init__(self, alias: str = "default", *, clear: bool = False) -> None:
        self.alias = alias
        self.clear = clear
        self.atomic: transaction.Atomic | None = None
        self.writer: threading.Thread | None = None
        self.failure: tuple[Chunk | None, BaseException] | None = None
        self.reserved = False  # the pk ranges came from reserve(): leave the sequences where it put them
        self.rebuild_min = REBUILD_MIN_ROWS  # read here, so that a test may set it for the sinks it makes

    # The sink interface.

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.connection = connections[self.alias]
        self.tables = {model.label: model.tables for model in plan.models}
        try:
            self.check_schema()
        except DatabaseError as exc:
            raise SinkError(f"database {self.alias!r}: {first_line(exc)}") from None
        if self.atomic is None:
            self.start_transaction()
        with self.failing():
            if self.clear:
                self.check_clear()
                self.delete_existing()
            self.begin()
        if self.threaded:
            self.jobs: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
            self.writer = threading.Thread(target=self.drain, name="seedgen-writer", daemon=True)
            self.writer.start()

    def write(self, chunk: Chunk) -> None:
        if self.writer is not None:
            self.raise_failure()
            self.jobs.put((chunk, self.batches(chunk)))
            return
        with self.failing(chunk):
            for table, rows in self.batches(chunk):
                self.insert(table, rows)

    def reserve(self, plan: Plan) -> dict[str, int]:
        """Take a pk range for each model's rows, after those already there, before the transaction;
        vendors make it a range no other client's insert can take. Label -> first pk."""
        self.connection = connections[self.alias]
        starts = first_free_pks(plan, self.alias)
        try:
            with self.connection.cursor() as cursor, self.connection.wrap_database_errors:
                for model in plan.roots:
                    if model.label in starts and model.count:
                        starts[model.label] = self.reserve_range(cursor, model, starts[model.label])
        except DatabaseError as exc:
            raise SinkError(f"database {self.alias!r}: cannot reserve the rows' pks: {first_line(exc)}") from None
        self.reserved = True
        return starts

    def start_transaction(self, mode: str | None = None) -> None:
        """Open the run's one transaction; ``mode`` is SQLite's BEGIN mode (IMMEDIATE takes the write lock)."""
        previous = getattr(self.connection, "transaction_mode", None)
        if mode:
            self.connection.transaction_mode = mode
        try:
            self.atomic = transaction.atomic(using=self.alias)
            self.atomic.__enter__()
        finally:
            if mode:
                self.connection.transaction_mode = previous

    def reserve_range(self, cursor, model: ModelPlan, first_free: int) -> int:
        """The first pk of ``model.count`` pks that are the sink's alone; the generic sink trusts the
        transaction (SQLite lets one writer in at a time)."""
        return first_free

    def close(self) -> None:
        self.stop_writer()
        self.raise_failure()
        with self.failing():
            self.finish()
            # A reserved range left each sequence past the rows already; resetting it to the
            # largest pk seen would hand out pks of rows other clients have not committed yet.
            reset = [] if self.reserved else [m.model for m in self.plan.models]
            statements = self.connection.ops.sequence_reset_sql(no_style(), reset)
            with self.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            atomic, self.atomic = self.atomic, None
            atomic.__exit__(None, None, None)

    def abort(self) -> None:
        self.stop_writer(cancel=True)
        self.rollback()

    # The writer thread.

    def drain(self) -> None:
        """Insert every queued chunk until the ``None`` that ends them; none after a failure."""
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
            self.cancel()
        self.jobs.put(None)
        writer.join()

    def raise_failure(self) -> None:
        if self.failure is not None and not isinstance(self.failure[1], KeyboardInterrupt):
            chunk, exc = self.failure
            with self.failing(chunk):
                raise exc

    # Hooks for the vendor modules.

    def cancel(self) -> None:
        """Stop the statement the writer thread is running, if the driver can (called from the main thread)."""

    def begin(self) -> None:
        """Called inside the transaction, before the first row."""

    def finish(self) -> None:
        """Called inside the transaction, after the last row."""

    def insert(self, table: Table, rows: Sequence[tuple]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(self.insert_sql(table), rows)

    def rebuilt_tables(self, existing_rows) -> list[str]:
        """The tables of the models with at least ``rebuild_min`` new rows, unless the model's table already
        holds more than REBUILD_MAX_EXISTING times as many (``existing_rows``: table names -> rows, roughly;
        with ``clear`` the rows there are deleted first, so none count)."""
        big = [m for m in self.plan.models if m.count >= self.rebuild_min]
        held = existing_rows([m.model._meta.db_table for m in big]) if big and not self.clear else {}
        return [t.name for m in big if held.get(m.model._meta.db_table, 0) <= REBUILD_MAX_EXISTING * m.count
                for t in self.tables[m.label]]

    def insert_sql(self, table: Table, placeholder: str = "%s") -> str:
        quote = self.connection.ops.quote_name
        return (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in table.columns)}) "
                f"VALUES ({', '.join([placeholder] * len(table.columns))})")

    # Shared work.

    def batches(self, chunk: Chunk) -> list[tuple[Table, list[tuple]]]:
        """What a chunk puts in each table: its rows, then the pairs of each M2M field that has any."""
        own, *throughs = self.tables[chunk.model.label]
        batches = [(own, self.rows(chunk))]
        for table in throughs:
            pairs = [(pk, other) for pk, others in zip(chunk.pks, chunk.m2m[table.m2m]) for other in others]
            if pairs:
                batches.append((table, pairs))
        return batches

    def rows(self, chunk: Chunk) -> list[tuple]:
        """The chunk's rows as tuples of what the driver takes, pk first when the plan sets it."""
        columns: list[Any] = [chunk.pks] if chunk.model.auto_pk else []
        for f in chunk.model.fields:
            values = chunk.columns[f.name]
            stored = f.field.target_field if f.field.is_relation else f.field  # a key holds its target's values
            if stored.get_internal_type() not in self.plain_kinds or not type(stored).__module__.startswith("django."):
                values = self.prepared(f.field, values)
            columns.append(values)
        return list(zip(*columns))

    def prepared(self, field, values: list[Any]) -> list[Any]:
        """``get_db_prep_save`` of each value; a column of whole-second UTC moments in one pass where the
        vendor's operations write an aware moment as its naive text in the connection's zone, and that is UTC."""
        if (self.naive_datetimes and type(field) is models.DateTimeField and settings.USE_TZ
                and self.connection.timezone_name == "UTC" and (texts := spaced_utc_seconds(values)) is not None):
            return texts
        prep, connection = field.get_db_prep_save, self.connection
        return [prep(v, connection) for v in values]

    def check_schema(self) -> None:
        """Every table and column the plan writes exists; else say to migrate."""
        introspection = self.connection.introspection
        with self.connection.cursor() as cursor:
            existing = set(introspection.table_names(cursor))
            for model in self.plan.models:
                for table in self.tables[model.label]:
                    if table.name not in existing:
                        raise SinkError(f"database {self.alias!r} has no table {table.name} for {model.model._meta.label}; "
                                        "run `manage.py migrate` first")
                    have = {c.name for c in introspection.get_table_description(cursor, table.name)}
                    for column, owner in zip(table.columns, table.owners):
                        if column not in have:
                            raise SinkError(f"database {self.alias!r}: table {table.name} has no column {column} "
                                            f"(for {owner}); run `manage.py migrate` first")

    def check_clear(self) -> None:
        """Refuse --clear when rows of a model outside the profile point at rows it would delete."""
        inside = {m.model._meta.concrete_model for m in self.plan.models}
        for model in self.plan.models:
            meta = model.model._meta
            for rel in meta.related_objects:
                if rel.related_model in inside:
                    continue
                holder = f"{rel.related_model._meta.label}.{rel.field.name}"
                if rel.many_to_many:
                    blocked = rel.through._base_manager.using(self.alias).exists()
                    rule = "many-to-many"
                else:
                    manager = rel.related_model._base_manager.using(self.alias)
                    blocked = manager.filter(**{f"{rel.field.name}__isnull": False}).exists()
                    rule = f"on_delete={rel.on_delete.__name__}"
                if blocked:
                    raise SinkError(
                        f"--clear cannot delete the rows of {meta.label}: rows of {holder} ({rule}) point at them, "
                        f"and --clear never touches models outside the profile; add {rel.related_model._meta.label} "
                        "to the profile or delete those rows first"
                    )

    def delete_existing(self) -> None:
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for model in reversed(self.plan.models):
                for table in reversed(self.tables[model.label]):
                    cursor.execute(f"DELETE FROM {quote(table.name)}")

    @contextlib.contextmanager
    def failing(self, chunk: Chunk | None = None) -> Iterator[None]:
        """Turn a database error into a SinkError, after rolling everything back."""
        try:
            with self.connection.wrap_database_errors:
                yield
        except DatabaseError as exc:
            self.rollback()
            raise SinkError(self.explain(chunk, exc)) from None

    def rollback(self) -> None:
        atomic, self.atomic = self.atomic, None
        if atomic is None:
            return
        try:
            atomic.__exit__(SinkError, SinkError("rolled back"), None)
        except DatabaseError:
            # A dead connection: the server dropped the transaction with it.
            self.connection.close()

    def explain(self, chunk: Chunk | None, exc: DatabaseError) -> str:
        """Name the model, field and value of a unique clash; the database's own words otherwise."""
        if chunk is not None and isinstance(exc, IntegrityError) and self.is_unique_violation(exc):
            try:
                clash = self.find_clash(chunk)
            except DatabaseError:
                clash = None
            if clash:
                return clash
        where = f"{chunk.model.model._meta.label}: " if chunk else ""
        return f"database {self.alias!r}: {where}{first_line(exc)}; nothing was written"

    def is_unique_violation(self, exc: IntegrityError) -> bool:
        """Whether the driver's error (``exc.__cause__``) is a duplicate key; vendors know their codes."""
        return False

    def find_clash(self, chunk: Chunk) -> str | None:
        """Find the value of this chunk that a row already has (looked up after the rollback) or that it repeats."""
        model = chunk.model
        label = model.model._meta.label
        manager = model.model._base_manager.using(self.alias)
        hint = "nothing was written. Use --clear to replace the existing rows"
        candidates = [("pk", chunk.pks)] if model.auto_pk else []
        candidates += [(name, chunk.columns[name]) for name in sorted(unique_fields(model.model))
                       if name in chunk.columns]
        for name, values in candidates:
            values = [v for v in values if v is not None]
            twice = [v for v, n in Counter(values).items() if n > 1]
            if twice:
                return f"{label}.{name}: the value {twice[0]!r} is made twice in this run; nothing was written. " \
                       "Mark the field `unique: true` in the profile"
            if self.clear:
                continue  # the rows that were there had been deleted
            for start in range(0, len(values), _LOOKUP_BATCH):
                found = manager.filter(**{f"{name}__in": values[start:start + _LOOKUP_BATCH]})
                found = found.order_by(name).values_list(name, flat=True)[:1]
                if found:
                    return f"{label}.{name}: the value {found[0]!r} is already in the database; {hint}"
        return None


def first_free_pks(plan: Plan, alias: str) -> dict[str, int]:
    """Label -> the pk after the largest one each root model's table holds (AutoField pks only)."""
    from django.db.models import Max

    starts = {}
    for model in plan.roots:
        if not model.auto_pk:
            continue  # its pks are generated values (a UUID, a natural code), not a range
        try:
            top = model.model._base_manager.using(alias).aggregate(top=Max("pk"))["top"]
        except DatabaseError as exc:
            raise SinkError(f"database {alias!r}: cannot read {model.model._meta.db_table}: "
                            f"{first_line(exc)}; run `manage.py migrate` first") from None
        starts[model.label] = (top or 0) + 1
    return starts


# A unique column with more rows than this is not read when appending (its values could fill memory):
# its new values may then clash, which the insert reports by name and rolls back.
TAKEN_LIMIT = 100_000
_POOLED = ("faker", "regex")  # strategies whose unique values come from a pool that can skip some


def existing_values(plan: Plan, alias: str) -> tuple[dict[tuple[str, str], frozenset], dict[str, dict[int, Any]], dict[str, int]]:
    """What appending must keep clear of: the values of each pooled unique column already in the table
    ((label, field) -> collation keys), the named objects already there (label -> row -> pk), found by
    one of their unique values, and the rows of each table whose pk the rows give themselves (a UUID)."""
    from seedgen.strategies.pools import collation_key

    try:
        return _existing_values(plan, alias, collation_key)
    except DatabaseError as exc:
        raise SinkError(f"database {alias!r}: cannot read the rows already there: {first_line(exc)}") from None


def _existing_values(plan: Plan, alias: str, collation_key) -> tuple[dict, dict]:
    taken: dict[tuple[str, str], frozenset] = {}
    reused: dict[str, dict[int, Any]] = {}
    rows: dict[str, int] = {}
    for model in plan.models:
        manager = model.model._base_manager.using(alias)
        if not model.auto_pk and not model.parent:
            rows[model.label] = manager.count()
        for f in model.fields:
            if f.unique and f.strategy in _POOLED and not f.field.is_relation:
                values = list(manager.values_list(f.name, flat=True)[:TAKEN_LIMIT + 1])
                if values and len(values) <= TAKEN_LIMIT:
                    taken[model.label, f.name] = frozenset(collation_key(str(v)) for v in values if v is not None)
        unique = sorted(unique_fields(model.model))
        for row, obj in enumerate(model.objects):
            name = next((n for n in unique if isinstance(obj.values.get(n), (str, int))), None)
            if name is not None:
                pk = manager.filter(**{name: obj.values[name]}).values_list("pk", flat=True).first()
                if pk is not None:
                    reused.setdefault(model.label, {})[row] = pk
    return taken, reused, rows


def forward_keys(plan: Plan) -> list[tuple[str, str]]:
    """(table, column) of the keys that may point at rows written later: to a model later in the plan
    (mutual references), or to the model's own rows in a later chunk (a self-reference that is not a
    tree, a many-to-many field to its own model)."""
    position = {m.label: i for i, m in enumerate(plan.models)}
    keys = []
    for i, model in enumerate(plan.models):
        for f in model.fields:
            later = f.target in position and position[f.target] > i
            own = f.target == model.label and not f.options.get("tree")
            if later or own:
                keys.append((model.model._meta.db_table, f.field.column))
        for f in model.m2m:
            if f.target in position and position[f.target] >= i:
                keys.append((f.field.remote_field.through._meta.db_table, f.field.m2m_reverse_name()))
    return keys
