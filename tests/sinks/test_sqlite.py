"""SQLite's sink: rows as one JSON array per statement arrive as the driver binds them, and plain indexes
dropped and made again leave the schema as it was."""

from __future__ import annotations

import decimal
import sqlite3

import pytest
from django.db import connections

from seedgen import api
from seedgen.errors import SinkError
from seedgen.sinks import database, sqlite
from tests.conftest import PROFILES
from tests.sinks.rows import change_post
from tests.sinks.test_fixtures import comparable, dumpdata

BLOG = PROFILES / "blog.yaml"

TRICKY = [
    (1, "plain", True, None, decimal.Decimal("12.50")),
    (2, "quote ' \" back\\slash", False, 0, decimal.Decimal("-0.001")),
    (3, "naïve café 😀 東京", True, -(2**53 - 1), decimal.Decimal("1E+2")),
    (4, "tab\tnew\nline\r\x01", False, 2**53 - 1, decimal.Decimal("0")),
    (5, "", None, 2**31, None),
    (6, "   spaces   ", 1, -1, decimal.Decimal("99999999.99")),
]


def stored(rows: list[tuple], *, as_json: bool) -> list[tuple]:
    """What SQLite holds after inserting ``rows`` one way or the other: each value with its storage class."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (id integer PRIMARY KEY, s varchar(50), b bool, i bigint, d decimal)")
    if as_json:
        payload = sqlite.as_json(rows)
        assert payload is not None
        db.execute("INSERT INTO t (id, s, b, i, d) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, "
                   "value ->> 4 FROM json_each(?)", (payload,))
    else:
        db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", rows)
    return db.execute("SELECT id, typeof(s), s, typeof(b), b, typeof(i), i, typeof(d), d FROM t ORDER BY id").fetchall()


def test_json_rows_arrive_as_the_driver_binds_them():
    sqlite3.register_adapter(decimal.Decimal, str)  # as Django does
    assert stored(TRICKY, as_json=True) == stored(TRICKY, as_json=False)


@pytest.mark.parametrize("value", [1.5, b"bytes", 2**53, -(2**53), "a\x00b", "\ud800", 1 << 70])
def test_values_json_would_not_carry_exactly_go_through_executemany(value):
    assert sqlite.as_json([(1, "x"), (2, value)]) is None


def schema(alias: str) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        return cursor.fetchall()


def test_insert_gives_the_export_and_leaves_the_schema_as_it_was(sqlite_db, rebuild_min, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    before = schema(sqlite_db)
    api.insert(BLOG, database=sqlite_db)
    assert comparable(dumpdata(sqlite_db), sqlite_db) == comparable(fixture.read_text(), sqlite_db)
    assert schema(sqlite_db) == before
    assert any(kind == "index" and sql and not sql.startswith("CREATE UNIQUE") for kind, _, table, sql in before
               if table.startswith("blog_")), "the blog's tables have plain indexes to rebuild"


def indexes_during(monkeypatch, alias: str, **insert) -> tuple[set[str], set[str]]:
    """The plain indexes of blog_post, and every index the insert's tables had while rows went in."""
    seen: list[set[str]] = []
    write = sqlite.SqliteSink.insert

    def watching(self, table, rows):
        seen.append({row[0] for row in self.connection.connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table.name,))})
        write(self, table, rows)

    monkeypatch.setattr(sqlite.SqliteSink, "insert", watching)
    api.insert(BLOG, database=alias, **insert)
    monkeypatch.undo()
    plain = {name for kind, name, table, sql in schema(alias)
             if kind == "index" and table == "blog_post" and sql and not sql.startswith("CREATE UNIQUE")}
    assert plain
    return plain, set().union(*seen)


def test_indexes_are_dropped_during_the_run_only_when_rebuilding(sqlite_db, rebuild_min, monkeypatch):
    plain, during = indexes_during(monkeypatch, sqlite_db)
    assert (plain & during == set()) if rebuild_min == 0 else plain <= during


def test_indexes_stay_when_the_table_already_holds_far_more_rows(sqlite_db, monkeypatch):
    api.insert(BLOG, database=sqlite_db, counts={"blog.Post": 100})
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", 1)
    plain, during = indexes_during(monkeypatch, sqlite_db, counts={"blog.Post": 20})  # 4 x 20 < 100
    assert plain <= during
    monkeypatch.setattr(database, "REBUILD_MIN_ROWS", 1)
    plain, during = indexes_during(monkeypatch, sqlite_db, counts={"blog.Post": 40})  # 4 x 40 >= 120
    assert plain & during == set()


def test_a_dangling_reference_fails_the_run_and_restores_rows_and_schema(sqlite_db, rebuild_min, monkeypatch):
    api.insert(BLOG, database=sqlite_db, counts={"blog.Post": 5})
    before_rows, before_schema = dumpdata(sqlite_db), schema(sqlite_db)
    change_post(monkeypatch, sqlite.SqliteSink, "author", 10**9)
    with pytest.raises(SinkError, match=r"FOREIGN KEY constraint failed.*nothing was written"):
        api.insert(BLOG, database=sqlite_db, clear=True)
    assert dumpdata(sqlite_db) == before_rows
    assert schema(sqlite_db) == before_schema
