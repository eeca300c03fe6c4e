"""PostgreSQL's COPY sink: foreign keys and plain indexes dropped and made again leave the schema as it was,
and the keys prove the rows."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
from django.db import connections

from seedgen import api
from seedgen.errors import SinkError
from seedgen.profile import parse_profile
from seedgen.sinks import database, postgresql
from tests.conftest import PROFILES
from tests.sinks.rows import change_post
from tests.sinks.test_fixtures import comparable, dumpdata

BLOG = PROFILES / "blog.yaml"
# The catalog test app whole: no table outside it points at its tables.
CATALOG = parse_profile("models:\n" + "".join(f"  catalog.{name}: 4\n" for name in
                                              ("Brand", "Product", "Warehouse", "Stock", "Sale", "Price")), "c.yaml")


def schema(alias: str) -> list[tuple]:
    """Every constraint and index of the public schema, as the catalog states them."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), condeferrable, condeferred, "
            "convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")
        constraints = cursor.fetchall()
        cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2")
        return constraints + cursor.fetchall()


def test_copy_gives_the_export_and_leaves_the_schema_as_it_was(pg_db, rebuild_min, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    before = schema(pg_db)
    api.insert(BLOG, database=pg_db)
    assert comparable(dumpdata(pg_db), pg_db) == comparable(fixture.read_text(), pg_db)
    assert schema(pg_db) == before
    assert any(row[2] == "f" and row[4] and row[5] for row in before), "Django's deferred foreign keys are there"
    assert any(len(row) == 3 and row[0] == "blog_post" and not row[2].startswith("CREATE UNIQUE") for row in before), \
        "the blog's tables have plain indexes to rebuild"


def indexes_during(monkeypatch, alias: str, **insert) -> tuple[set[str], set[str]]:
    """The plain indexes of blog_post, and every index the insert's tables had while rows went in."""
    seen: list[set[str]] = []
    write = postgresql.PostgresSink.insert

    def watching(self, table, rows):
        with self.connection.connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table.name])
            seen.append({row[0] for row in cursor.fetchall()})
        write(self, table, rows)

    monkeypatch.setattr(postgresql.PostgresSink, "insert", watching)
    api.insert(BLOG, database=alias, **insert)
    monkeypatch.undo()
    plain = {name for table, name, sql in (row for row in schema(alias) if len(row) == 3)
             if table == "blog_post" and not sql.startswith("CREATE UNIQUE")}
    assert plain
    return plain, set().union(*seen)


def test_plain_indexes_are_dropped_during_the_run_only_when_rebuilding(pg_db, rebuild_min, monkeypatch):
    plain, during = indexes_during(monkeypatch, pg_db)
    assert (plain & during == set()) if rebuild_min == 0 else plain <= during


def test_a_dangling_reference_fails_the_run_and_restores_rows_and_schema(pg_db, rebuild_min, monkeypatch):
    api.insert(BLOG, database=pg_db, counts={"blog.Post": 5})
    before_rows, before_schema = dumpdata(pg_db), schema(pg_db)
    change_post(monkeypatch, postgresql.PostgresSink, "author", 10**9)
    with pytest.raises(SinkError, match=r'violates foreign key constraint "blog_post_author_id_\w+".*nothing was written'):
        api.insert(BLOG, database=pg_db, clear=True)
    assert dumpdata(pg_db) == before_rows
    assert schema(pg_db) == before_schema


def test_keys_and_indexes_stay_when_the_table_already_holds_far_more_rows(pg_db, monkeypatch):
    api.insert(BLOG, database=pg_db, counts={"blog.Post": 100})
    with connections[pg_db].cursor() as cursor:
        cursor.execute("ANALYZE blog_post")  # the estimate the sink reads
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", 1)
    dropped: list[list[str]] = []
    drop = postgresql.drop_foreign_keys
    monkeypatch.setattr(postgresql, "drop_foreign_keys", lambda cursor, tables: dropped.append(tables) or
                        drop(cursor, tables))
    api.insert(BLOG, database=pg_db, counts={"blog.Post": 20})  # 4 x 20 < 100
    assert dropped and "blog_post" not in dropped[-1]
    plain, during = indexes_during(monkeypatch, pg_db, counts={"blog.Post": 20})
    assert plain <= during
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", 1)
    monkeypatch.setattr(postgresql, "drop_foreign_keys", lambda cursor, tables: dropped.append(tables) or
                        drop(cursor, tables))
    api.insert(BLOG, database=pg_db, counts={"blog.Post": 40})  # 4 x 40 >= the estimate
    assert "blog_post" in dropped[-1]


def statements_of(alias: str, action) -> list[str]:
    """The SQL the connection of ``alias`` ran during ``action()``."""
    ran: list[str] = []

    def record(execute, sql, params, many, context):
        ran.append(sql)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(record):
        action()
    return ran


def test_clear_truncates_the_tables_unless_a_table_outside_them_has_a_key_to_one(pg_db):
    from tests.apps.catalog.models import Brand, Product, Stock

    api.insert(CATALOG, database=pg_db)
    ran = statements_of(pg_db, lambda: api.insert(CATALOG, database=pg_db, clear=True))
    assert any(sql.startswith("TRUNCATE") for sql in ran) and not any(sql.startswith("DELETE") for sql in ran)
    assert Product.objects.using(pg_db).count() == Stock.objects.using(pg_db).count() == 4
    Product.objects.using(pg_db).all().delete()
    brands = parse_profile("models:\n  catalog.Brand: 3\n", "b.yaml")  # catalog_product, outside it, has a key to it
    ran = statements_of(pg_db, lambda: api.insert(brands, database=pg_db, clear=True))
    assert any(sql.startswith("DELETE") for sql in ran) and not any(sql.startswith("TRUNCATE") for sql in ran)
    assert Brand.objects.using(pg_db).count() == 3


@contextlib.contextmanager
def as_a_role_that_owns_nothing(alias: str) -> Iterator[None]:
    """The connection of ``alias`` as a new role with the rights an application user has: rows, not tables."""
    role = f"seedgen_rows_only_{uuid.uuid4().hex[:12]}"  # roles are the server's: one per run
    with connections[alias].cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}"')
        cursor.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connections[alias].cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def test_clear_deletes_when_the_user_may_not_truncate(pg_db):
    from tests.apps.catalog.models import Product

    api.insert(CATALOG, database=pg_db)
    with as_a_role_that_owns_nothing(pg_db):
        ran = statements_of(pg_db, lambda: api.insert(CATALOG, database=pg_db, clear=True))
    assert any(sql.startswith("DELETE") for sql in ran) and not any(sql.startswith("TRUNCATE") for sql in ran)
    assert Product.objects.using(pg_db).count() == 4


def test_keys_and_indexes_stay_on_tables_the_user_does_not_own(pg_db, monkeypatch, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    before = schema(pg_db)
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", 0)
    with as_a_role_that_owns_nothing(pg_db):
        ran = statements_of(pg_db, lambda: api.insert(BLOG, database=pg_db))
    assert not any(sql.startswith(("ALTER TABLE", "DROP INDEX")) for sql in ran)
    assert comparable(dumpdata(pg_db), pg_db) == comparable(fixture.read_text(), pg_db)
    assert schema(pg_db) == before
