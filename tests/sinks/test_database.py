"""Direct inserts: one transaction, the same rows as the export, sequences usable afterwards."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.core.management import call_command
from django.db import models

from seedgen import api
from seedgen.errors import SinkError
from seedgen.sinks.database import database_sink
from tests.conftest import PROFILES
from tests.sinks.test_fixtures import comparable, dumpdata

BLOG = PROFILES / "blog.yaml"


@pytest.mark.parametrize("chunk_size", [None, 7])
def test_insert_gives_the_same_rows_as_loading_the_export(db, tmp_path, chunk_size):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    api.insert(BLOG, database=db, chunk_size=chunk_size)  # 7: many chunks queued for the writer thread
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
    from tests.sinks.test_interruptions import on_posts

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db)

    def fail(sink):
        raise SinkError("blog.Post: simulated failure")

    on_posts(monkeypatch, fail)
    with pytest.raises(SinkError, match="simulated failure"):
        api.insert(BLOG, database=db, clear=True)
    assert dumpdata(db) == before


def test_a_database_without_the_tables_says_to_migrate_and_migrating_is_the_fix(db):
    call_command("migrate", "blog", "zero", database=db, verbosity=0)
    try:
        with pytest.raises(SinkError, match="run `manage.py migrate` first"):
            api.insert(BLOG, database=db)
    finally:
        call_command("migrate", database=db, verbosity=0)
    assert api.insert(BLOG, database=db).rows == 70  # the hint is true: after migrate the same insert works


def write_profile(tmp_path, text: str):
    path = tmp_path / "profile.yaml"
    path.write_text(text)
    return path


NEGATIVE_VIEWS = """\
models:
  auth.User: 3
  blog.Category: 2
  blog.Tag: 4
  blog.Post:
    count: 40
    fields:
      view_count: {int: [-10, -1]}
"""


def test_a_later_model_breaking_a_check_constraint_rolls_back_everything(db, tmp_path):
    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db)
    with pytest.raises(SinkError, match=r"blog\.Post: .*nothing was written"):
        api.insert(write_profile(tmp_path, NEGATIVE_VIEWS), database=db, clear=True)
    assert dumpdata(db) == before


def test_a_unique_clash_with_existing_rows_names_model_field_and_value(db, tmp_path):
    """Appended rows count {n} on from the first free pk; a row an application made with such a value clashes."""
    from seedgen.demo.blog.models import Tag

    profile = write_profile(tmp_path, "models:\n  blog.Tag:\n    count: 3\n    fields:\n      name: {template: 'tag {n}'}\n")
    Tag.objects.using(db).create(name="tag 3", slug="made-by-hand")
    before = dumpdata(db)
    with pytest.raises(SinkError) as caught:
        api.insert(profile, database=db)
    assert str(caught.value) == ("blog.Tag.name: the value 'tag 3' is already in the database; nothing was written. "
                                 "Use --clear to replace the existing rows")
    assert dumpdata(db) == before


def test_clear_refuses_when_a_protect_foreign_key_from_another_model_holds_the_rows(db):
    from seedgen.demo.blog.models import Post
    from tests.apps.reviews.models import Review

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    Review.objects.using(db).create(post=Post.objects.using(db).get(pk=1), score=4)
    before = dumpdata(db)
    with pytest.raises(SinkError, match=r"--clear cannot delete the rows of blog\.Post: rows of reviews\.Review\.post "
                                        r"\(on_delete=PROTECT\) point at them"):
        api.insert(BLOG, database=db, clear=True)
    assert dumpdata(db) == before
    assert Review.objects.using(db).count() == 1
    Review.objects.using(db).all().delete()


def test_clear_of_tags_alone_refuses_while_posts_hold_them(db, tmp_path):
    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db)
    with pytest.raises(SinkError, match=r"rows of blog\.Post\.tags \(many-to-many\) point at them"):
        api.insert(write_profile(tmp_path, "models:\n  blog.Tag: 3\n"), database=db, clear=True)
    assert dumpdata(db) == before


def test_clear_deletes_the_profiles_models_and_their_m2m_rows_only(db, tmp_path):
    from django.contrib.auth.models import Group, User

    from seedgen.demo.blog.models import Post

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    editors = Group.objects.using(db).create(name="editors")
    User.objects.using(db).get(pk=2).groups.add(editors)
    api.insert(write_profile(tmp_path, "models:\n  blog.Tag: 3\n  blog.Category: 2\n  blog.Post: 4\n  auth.User: 2\n"),
               database=db, clear=True)
    assert Post.objects.using(db).count() == 4
    assert list(User.objects.using(db).values_list("pk", flat=True).order_by("pk")) == [1, 2]
    assert list(Group.objects.using(db).values_list("name", flat=True)) == ["editors"]
    assert not User.objects.using(db).get(pk=2).groups.exists()


def test_a_table_without_a_column_of_the_model_is_named_and_nothing_is_written(db):
    from django.db import connections

    from seedgen.demo.blog.models import Post

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db, ["blog.Tag", "blog.Category"])
    field = Post._meta.get_field("view_count")
    with connections[db].schema_editor() as editor:
        editor.remove_field(Post, field)
    try:
        with pytest.raises(SinkError, match=r"table blog_post has no column view_count \(for blog\.Post\.view_count\); "
                                            r"run `manage\.py migrate` first"):
            api.insert(BLOG, database=db, clear=True)
        assert dumpdata(db, ["blog.Tag", "blog.Category"]) == before
    finally:
        with connections[db].schema_editor() as editor:
            editor.add_field(Post, field)


AWKWARD = ["O'Brien", "back\\slash", "tab\there, new\nline", "emoji 🎉 and ü", "percent %s %(x)s %%", "semi; -- not SQL"]


def test_awkward_text_arrives_as_it_was(db, tmp_path):
    from seedgen.demo.blog.models import Tag

    objects = "".join(f"      t{i}: {{name: {json.dumps(name, ensure_ascii=False)}, slug: s{i}}}\n" for i, name in enumerate(AWKWARD))
    api.insert(write_profile(tmp_path, f"models:\n  blog.Tag:\n    objects:\n{objects}"), database=db)
    assert list(Tag.objects.using(db).order_by("pk").values_list("name", flat=True)) == AWKWARD


def test_awkward_text_arrives_as_it_was_without_backslash_escapes_on_mariadb(tmp_path):
    from django.db import connections

    from seedgen.demo.blog.models import Tag
    from tests.conftest import empty_database, ensure_database

    ensure_database("mysql")
    empty_database("mysql")
    with connections["mysql"].cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
    try:
        test_awkward_text_arrives_as_it_was("mysql", tmp_path)
    finally:
        connections["mysql"].close()
    assert list(Tag.objects.using("mysql").order_by("pk").values_list("name", flat=True)) == AWKWARD


def test_mariadb_writes_its_own_multi_row_inserts_through_pymysql(tmp_path):
    """The column-at-a-time VALUES, not the driver's executemany fallback, when the driver is PyMySQL."""
    from tests.conftest import empty_database, ensure_database

    ensure_database("mysql")
    empty_database("mysql")
    sink = database_sink("mysql")
    api.run(api.prepare(BLOG), sink)
    assert sink.escape is not None and sink.statement_chars >= 1 << 17
    fixture = tmp_path / "export.json"
    api.export(BLOG, fixture, indent=2)
    assert dumpdata("mysql") == fixture.read_text()


def test_a_third_party_fields_own_preparation_is_kept(db, tmp_path):
    from tests.apps.reviews.models import Review

    profile = write_profile(tmp_path, "models:\n  auth.User: 1\n  blog.Category: 1\n  blog.Tag: 1\n  blog.Post: 2\n"
                                      "  reviews.Review:\n    count: 3\n    fields:\n      note: quiet\n")
    api.insert(profile, database=db)
    assert list(Review.objects.using(db).values_list("note", flat=True)) == ["QUIET"] * 3
    Review.objects.using(db).all().delete()


def client_connection(alias: str):
    """A connection of another client of the database, in autocommit, as an application has one."""
    from django.conf import settings

    conf = settings.DATABASES[alias]
    if alias == "postgresql":
        import psycopg

        return psycopg.connect(host=conf["HOST"], port=conf["PORT"], user=conf["USER"], dbname=conf["NAME"],
                               autocommit=True)
    if alias == "mysql":
        import pymysql

        return pymysql.connect(host=conf["HOST"], port=int(conf["PORT"]), user=conf["USER"], password=conf["PASSWORD"],
                               database=conf["NAME"], autocommit=True)
    import sqlite3

    return sqlite3.connect(conf["NAME"], timeout=120, isolation_level=None)  # waits while seedgen holds the lock


def test_an_application_inserting_meanwhile_never_clashes_with_an_insert(db, tmp_path):
    """The pk range is reserved before the rows go in: the other client's rows land past it."""
    import subprocess
    import sys

    from seedgen.demo.blog.models import Post
    from tests.conftest import REPO, database_url

    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    posts = tmp_path / "posts.yaml"
    posts.write_text("models:\n  blog.Post:\n    count: 15000\n    fields:\n"
                     "      author: {ref: {model: auth.User, existing: true}}\n"
                     "      category: {ref: {model: blog.Category, existing: true}}\n")
    command = [sys.executable, "-m", "seedgen", "insert", str(posts), "--database-url", database_url(db),
               "--settings", "tests.settings", "-q"]
    placeholder = "?" if db == "default" else "%s"
    sql = ("INSERT INTO blog_post (title, slug, content, author_id, category_id, status, view_count, created_at) "
           f"VALUES ({', '.join([placeholder] * 8)})")
    client = client_connection(db)
    proc = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    added = 0
    try:
        cursor = client.cursor()
        while proc.poll() is None or added < 20:
            cursor.execute(sql, [f"client {added}", f"client-{added}", "x", 1, 1, "draft", 0, "2025-01-01 00:00:00"])
            added += 1
            time.sleep(0.002)  # an application's pace, not a loop that never lets SQLite's lock go
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        client.close()
    assert proc.returncode == 0, err
    assert Post.objects.using(db).count() == 5 + 15000 + added
    assert Post.objects.using(db).filter(slug__startswith="client-").count() == added


def test_create_sample_data_twice_without_clear_adds_data(db):
    """Appending: new unique values stay clear of the old, and the named categories and tags are reused."""
    from django.contrib.auth.models import User

    from seedgen.demo.blog.models import Category, Post, Tag

    for _ in range(2):
        call_command("create_sample_data", "--database", db, "--noinput", verbosity=0)
    assert (User.objects.using(db).count(), Post.objects.using(db).count()) == (10, 100)
    assert (Category.objects.using(db).count(), Tag.objects.using(db).count()) == (5, 10)
    assert set(Post.objects.using(db).values_list("category_id", flat=True)) <= set(
        Category.objects.using(db).values_list("pk", flat=True))
    assert set(Post.tags.through.objects.using(db).values_list("tag_id", flat=True)) <= set(
        Tag.objects.using(db).values_list("pk", flat=True))


def test_a_bare_count_profile_appends_with_another_seed(db, tmp_path):
    from seedgen.demo.blog.models import Tag

    profile = tmp_path / "tags.yaml"
    profile.write_text("models:\n  blog.Tag: 600\n")  # names from a pool of about 1,000 words
    api.insert(profile, database=db, seed=1)
    api.insert(profile, database=db, seed=2)
    names = list(Tag.objects.using(db).values_list("name", flat=True))
    assert len(names) == 1200 and len({n.casefold() for n in names}) == 1200


def test_references_to_own_rows_in_later_chunks_are_checked_at_the_end(db, tmp_path):
    # A symmetrical self-M2M and a non-tree self-FK point at rows of chunks not yet written.
    profile = tmp_path / "own.yaml"
    profile.write_text("models:\n  auth.User: 60\n  accounts.Profile:\n    count: 60\n    fields:\n"
                       "      friends: {ref: accounts.Profile, count: [1, 4]}\n"
                       "  org.Department:\n    count: 60\n    fields:\n"
                       "      parent: {ref: org.Department, tree: false, null: 0.3}\n")
    api.insert(profile, database=db, chunk_size=7)
    from tests.apps.accounts.models import Profile
    from tests.apps.org.models import Department

    assert Profile.objects.using(db).count() == 60
    assert Profile.friends.through.objects.using(db).filter(from_profile__pk__lt=models.F("to_profile__pk")).exists()
    assert Department.objects.using(db).filter(parent__pk__gt=models.F("pk")).exists()


def test_the_bare_test_apps_append_a_second_time(db, tmp_path):
    from tests.apps.fieldtypes.models import Document
    from tests.test_golden import bare_profile

    profile = bare_profile(tmp_path)
    api.insert(profile, database=db)
    api.insert(profile, database=db)  # same seed: rows whose pk is their own UUID go on past the first run's
    assert Document.objects.using(db).count() == 24


def test_a_column_of_utc_moments_is_prepared_as_the_field_would_prepare_each(db, monkeypatch):
    import datetime as dt

    from django.db import connections

    from seedgen.demo.blog.models import Post

    field, connection = Post._meta.get_field("published_at"), connections[db]
    sink = database_sink(db)
    sink.connection = connection
    whole = [dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.UTC), None, dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
             dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)]
    others = [[*whole, dt.datetime(2024, 1, 1, 12, 0, 0, 500, tzinfo=dt.UTC)],  # microseconds: each alone
              [*whole, dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))]]  # another zone
    expected = {id(values): [field.get_db_prep_save(v, connection) for v in values] for values in [whole, *others]}
    calls: list[object] = []
    prep = models.DateTimeField.get_db_prep_save
    monkeypatch.setattr(models.DateTimeField, "get_db_prep_save", lambda self, value, connection:
                        calls.append(value) or prep(self, value, connection))
    assert sink.prepared(field, whole) == expected[id(whole)]
    assert (calls == []) == (connection.vendor in ("sqlite", "mysql"))  # those two in one pass
    for values in others:
        assert sink.prepared(field, values) == expected[id(values)]
