"""Direct inserts: one transaction, the same rows as the export, sequences usable afterwards."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from seedgen import api
from seedgen.errors import SinkError
from tests.conftest import PROFILES
from tests.sinks.test_fixtures import comparable, dumpdata

BLOG = PROFILES / "blog.yaml"


def test_insert_gives_the_same_rows_as_loading_the_export(db, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    api.insert(BLOG, database=db)
    assert comparable(dumpdata(db), db) == comparable(fixture.read_text(), db)


def test_after_an_insert_the_orm_can_create_rows(db):
    from seedgen.demo.blog.models import Tag

    api.insert(BLOG, database=db)
    tag = Tag.objects.using(db).create(name="New", slug="new")
    assert tag.pk == 11


def test_a_second_insert_appends_after_the_existing_rows(db, tmp_path):
    from seedgen.demo.blog.models import Tag

    profile = "models:\n  blog.Tag:\n    count: 3\n    fields:\n      name: {template: 'tag {pk}'}\n"
    path = tmp_path / "append.yaml"
    path.write_text(profile)
    api.insert(path, database=db)
    api.insert(path, database=db)
    assert list(Tag.objects.using(db).order_by("pk").values_list("pk", "name")) == [
        (1, "tag 1"), (2, "tag 2"), (3, "tag 3"), (4, "tag 4"), (5, "tag 5"), (6, "tag 6")]


def test_a_failure_midway_leaves_the_database_as_it_was(db, monkeypatch):
    from seedgen.sinks.database import DatabaseSink

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db)
    original = DatabaseSink.write

    def fail_on_posts(self, chunk):
        if chunk.model.label == "blog.post":
            raise SinkError("blog.Post: simulated failure")
        original(self, chunk)

    monkeypatch.setattr(DatabaseSink, "write", fail_on_posts)
    with pytest.raises(SinkError):
        api.insert(BLOG, database=db, clear=True)
    assert dumpdata(db) == before


def test_a_database_without_the_tables_says_to_migrate(db):
    call_command("migrate", "blog", "zero", database=db, verbosity=0)
    try:
        with pytest.raises(SinkError, match="migrate"):
            api.insert(BLOG, database=db)
    finally:
        call_command("migrate", database=db, verbosity=0)
