"""Insert rows through a Django database connection, all in one transaction.

Values go through each field's ``get_db_prep_save`` so every backend gets
what the ORM would send; rows go in with ``executemany`` a chunk at a time.
On any failure the transaction rolls back and the database is as it was.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import DatabaseError, IntegrityError, connections, transaction

from seedgen.errors import SinkError
from seedgen.generate.chunks import Chunk
from seedgen.plan import ModelPlan, Plan
from seedgen.sinks.base import Sink


def tables_of(model: ModelPlan) -> list[str]:
    tables = [model.model._meta.db_table]
    tables += [f.field.remote_field.through._meta.db_table for f in model.m2m
               if f.field.remote_field.through._meta.auto_created]
    return tables


class DatabaseSink(Sink):
    def __init__(self, alias: str = "default", *, clear: bool = False) -> None:
        self.alias = alias
        self.clear = clear
        self.atomic = None

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.connection = connections[self.alias]
        try:
            existing = set(self.connection.introspection.table_names())
        except DatabaseError as exc:
            raise SinkError(f"database {self.alias!r}: cannot connect: {_first_line(exc)}") from None
        for model in plan.models:
            missing = [t for t in tables_of(model) if t not in existing]
            if missing:
                raise SinkError(
                    f"database {self.alias!r} has no table {missing[0]} for {model.model._meta.label}; "
                    "run `manage.py migrate` first"
                )
        self.atomic = transaction.atomic(using=self.alias)
        self.atomic.__enter__()
        if self.clear:
            self.delete_existing()
        self.statements = {model.label: self.statements_for(model) for model in plan.models}

    def delete_existing(self) -> None:
        with self.connection.cursor() as cursor:
            for model in reversed(self.plan.models):
                for table in reversed(tables_of(model)):
                    try:
                        cursor.execute(f"DELETE FROM {self.connection.ops.quote_name(table)}")
                    except IntegrityError as exc:
                        raise SinkError(
                            f"--clear cannot delete {model.model._meta.label}: other rows still reference it "
                            f"({_first_line(exc)})"
                        ) from None

    def statements_for(self, model: ModelPlan):
        quote = self.connection.ops.quote_name
        meta = model.model._meta
        columns = [meta.pk.column] if model.auto_pk else []
        columns += [f.field.column for f in model.fields]
        table = quote(meta.db_table)
        rows_sql = (f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})")
        m2m_sql = {}
        for f in model.m2m:
            through = f.field.remote_field.through
            if not through._meta.auto_created:
                continue
            source = quote(f.field.m2m_column_name())
            target = quote(f.field.m2m_reverse_name())
            m2m_sql[f.name] = f"INSERT INTO {quote(through._meta.db_table)} ({source}, {target}) VALUES (%s, %s)"
        return rows_sql, m2m_sql

    def write(self, chunk: Chunk) -> None:
        rows_sql, m2m_sql = self.statements[chunk.model.label]
        connection = self.connection
        prepared = []
        if chunk.model.auto_pk:
            prepared.append(chunk.pks)
        for f in chunk.model.fields:
            prep = f.field.get_db_prep_save
            prepared.append([prep(v, connection) for v in chunk.columns[f.name]])
        rows = list(zip(*prepared))
        try:
            with connection.cursor() as cursor:
                cursor.executemany(rows_sql, rows)
                for name, sql in m2m_sql.items():
                    pairs = [(pk, other) for pk, others in zip(chunk.pks, chunk.m2m[name]) for other in others]
                    if pairs:
                        cursor.executemany(sql, pairs)
        except IntegrityError as exc:
            raise SinkError(
                f"{chunk.model.model._meta.label}: the rows clash with the database ({_first_line(exc)}); "
                "nothing was written. Use --clear, or another --seed"
            ) from None
        except DatabaseError as exc:
            raise SinkError(f"{chunk.model.model._meta.label}: {_first_line(exc)}; nothing was written") from None

    def close(self) -> None:
        models = [m.model for m in self.plan.models]
        statements = self.connection.ops.sequence_reset_sql(no_style(), models)
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        atomic, self.atomic = self.atomic, None
        atomic.__exit__(None, None, None)

    def abort(self) -> None:
        if self.atomic is not None:
            atomic, self.atomic = self.atomic, None
            atomic.__exit__(SinkError, SinkError("aborted"), None)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
