"""MariaDB's sink, both ways in: LOAD DATA LOCAL INFILE when the connection allows it, INSERTs otherwise.

A LOCAL load downgrades every error to a warning and skips or changes the row; these tests hold the
sink to failing instead, with the database as it was."""

from __future__ import annotations

import glob
import os
import tempfile

import pytest
from django.db import connections

from seedgen import api
from seedgen.errors import SinkError
from seedgen.sinks import mysql
from tests.conftest import PROFILES, fresh
from tests.sinks.rows import change_post
from tests.sinks.test_fixtures import comparable, dumpdata

BLOG = PROFILES / "blog.yaml"
LOAD_DATA = "LOAD DATA LOCAL INFILE"


@pytest.fixture(params=[True, False], ids=["load-data", "inserts"])
def mysql_db(request):
    """The MariaDB test database, its connection opened with or without ``local_infile``."""
    connection = connections["mysql"]
    options = connection.settings_dict.setdefault("OPTIONS", {})
    connection.close()
    options["local_infile"] = request.param
    try:
        yield from fresh("mysql")
    finally:
        connection.close()
        options.pop("local_infile")


def loads(alias: str) -> bool:
    return connections[alias].settings_dict["OPTIONS"]["local_infile"]


def load_directories() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "seedgen-load-*")))


def test_either_way_gives_the_export_and_says_which(mysql_db, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    before = load_directories()
    report = api.insert(BLOG, database=mysql_db)
    assert comparable(dumpdata(mysql_db), mysql_db) == comparable(fixture.read_text(), mysql_db)
    assert report.method == (LOAD_DATA if loads(mysql_db) else "multi-row INSERTs")
    assert load_directories() == before, "the load's file and directory are gone"


def pairs(alias: str) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT id, post_id, tag_id FROM blog_post_tags ORDER BY id")
        return cursor.fetchall()


def test_many_to_many_pairs_are_numbered_without_gaps(mysql_db):
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 3000})
    first = pairs(mysql_db)
    assert len(first) > 3000 and [p[0] for p in first] == list(range(1, len(first) + 1))
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 3000})  # appending: after the first run's pairs
    both = pairs(mysql_db)
    assert both[:len(first)] == first
    added = [p[0] for p in both[len(first):]]
    assert len(added) > 3000 and added == list(range(added[0], added[0] + len(added))) and added[0] > len(first)
    with connections[mysql_db].cursor() as cursor:  # a client's next pair goes past every seeded one
        cursor.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = 'blog_post_tags'")
        assert cursor.fetchone()[0] > added[-1]


def test_a_clash_within_the_run_fails_it_and_nothing_is_written(mysql_db, monkeypatch):
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 5})
    before = dumpdata(mysql_db)
    change_post(monkeypatch, mysql.MySQLSink, "slug", lambda rows, at: rows[0][at], row=-1)  # the first slug again
    with pytest.raises(SinkError, match=r"blog\.Post: .*Duplicate entry '.*' for key 'slug'.*nothing was written"):
        api.insert(BLOG, database=mysql_db)
    assert dumpdata(mysql_db) == before


def test_a_dangling_reference_fails_the_run(mysql_db, monkeypatch):
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 5})
    before = dumpdata(mysql_db)
    change_post(monkeypatch, mysql.MySQLSink, "author", 10**9)
    with pytest.raises(SinkError, match=r"blog\.Post: .*foreign key constraint fails.*nothing was written"):
        api.insert(BLOG, database=mysql_db)
    assert dumpdata(mysql_db) == before


def test_a_value_the_server_would_adjust_fails_the_run(mysql_db, monkeypatch):
    """Strict mode refuses a too-long title; under LOAD DATA LOCAL it is a warning and a cut value, which the
    sink turns back into the error."""
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 5})
    before = dumpdata(mysql_db)
    change_post(monkeypatch, mysql.MySQLSink, "title", "x" * 500, row=1)
    with pytest.raises(SinkError, match=r"blog\.Post: .*Data (too long|truncated) for column 'title'.*nothing was written"):
        api.insert(BLOG, database=mysql_db)
    assert dumpdata(mysql_db) == before


def test_rows_the_file_cannot_carry_go_in_as_inserts():
    assert mysql.tsv([(1, "a\tb\\c\nd\r\x00", None, True, 1.5)]) == "1\ta\\tb\\\\c\\nd\\r\\0\t\\N\t1\t1.5\n"
    # A column of strings is escaped as a whole: each value as alone, the joining character included.
    texts = ["plain", "a\\t", "tab\there", "x\x1fy", "\\", "", "line\n"]
    for column in (texts, [t for t in texts if "\x1f" not in t], ["no", "escape"]):
        assert mysql.tsv([(t,) for t in column]) == "".join(mysql._tsv_value(t) + "\n" for t in column)
    assert mysql.tsv([(1, b"bytes")]) is None


def test_shards_number_the_pairs_on_from_the_piece_before(mysql_db):
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 300})
    before, counter = len(pairs(mysql_db)), next_pair_id(mysql_db)
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 300}, shards=3)  # appending, a transaction a piece
    ids = [p[0] for p in pairs(mysql_db)][before:]
    # one run of ids from the table's counter: the first piece's reserved range, the next pieces on from it
    assert len(ids) > 300 and ids == list(range(counter, counter + len(ids)))


def next_pair_id(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = 'blog_post_tags'")
        return cursor.fetchone()[0]


def test_shards_after_clear_number_the_pairs_in_one_run(mysql_db):
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 30})
    api.insert(BLOG, database=mysql_db, counts={"blog.Post": 300}, shards=3, clear=True)
    ids = [p[0] for p in pairs(mysql_db)]
    assert len(ids) > 300 and ids == list(range(ids[0], ids[0] + len(ids)))
