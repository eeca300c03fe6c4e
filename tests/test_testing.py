"""seedgen.testing: load_profile inside a test's transaction on every backend, SeededTestCase in a real
Django TestCase run, and the row cache (hits replay the stored rows; bad entries are made anew)."""

from __future__ import annotations

import io
import os
import pickle
import subprocess
import sys
import unittest
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

import seedgen
from seedgen.demo.blog.models import Category, Post, Tag
from seedgen.errors import PlanError
from seedgen.testing import SeededTestCase, load_profile
from seedgen.testing.cache import RowCache, cache_directory, cache_key, stats
from tests.conftest import PROFILES, REPO

BLOG = PROFILES / "blog.yaml"
SMALL = {"blog.Post": 8}


@contextmanager
def rolled_back(alias: str):
    """A transaction that is rolled back at the end, as a TestCase's is."""
    with transaction.atomic(using=alias):
        yield
        transaction.set_rollback(True, using=alias)


def dump(alias: str) -> str:
    out = io.StringIO()
    call_command("dumpdata", "blog", "auth.user", database=alias, indent=2, stdout=out)
    return out.getvalue()


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle"))


def test_load_profile_gives_named_objects_and_exactly_the_rows_it_made(db, tmp_path):
    with rolled_back(db):
        first = load_profile(BLOG, seed=1, counts=SMALL, using=db, cache_dir=tmp_path)
        tag = first.objects["django"]
        assert isinstance(tag, Tag) and (tag.name, tag.color) == ("Django", "#092e20")
        assert first.objects["programming"] == Category.objects.using(db).get(slug="programming")
        assert first.queryset("blog.Post").count() == Post.objects.using(db).count() == 8
        assert first.queryset("blog.Tag").count() == 10
        # A second profile appends: its own posts only, and the named objects it found already there.
        second = load_profile(BLOG, seed=2, counts=SMALL, using=db, cache_dir=tmp_path)
        assert Post.objects.using(db).count() == 16
        assert second.queryset("blog.Post").count() == 8
        assert not second.queryset("blog.Post").filter(pk__in=first.queryset("blog.Post").values("pk")).exists()
        assert second.objects["django"].pk == tag.pk
        assert second.queryset("blog.Tag").count() == 0  # every tag is a named object it reused
    # The rows went with the transaction: nothing committed behind the test's back (a MariaDB ALTER would).
    assert Post.objects.using(db).count() == Tag.objects.using(db).count() == 0


def test_an_unknown_model_is_named_with_what_was_seeded(sqlite_db, tmp_path):
    with rolled_back(sqlite_db):
        data = load_profile(BLOG, counts=SMALL, using=sqlite_db, cache_dir=tmp_path)
        with pytest.raises(PlanError, match=r"^blog\.Pots: not a model this profile seeded \(did you mean 'blog\.Post'\?\); "
                                            r"it seeded auth\.User, blog\.Category, blog\.Post, blog\.Tag$"):
            data.queryset("blog.Pots")


def test_the_second_load_replays_the_rows_of_the_first(db, tmp_path):
    with rolled_back(db):
        made = load_profile(BLOG, seed=3, counts=SMALL, using=db, cache_dir=tmp_path)
        generated = dump(db)
    assert not made.cached and len(entries(tmp_path)) == 1
    with rolled_back(db):
        replayed = load_profile(BLOG, seed=3, counts=SMALL, using=db, cache_dir=tmp_path)
        assert dump(db) == generated
    assert replayed.cached and replayed.report.objects == made.report.objects
    assert replayed.report.rows == made.report.rows == 8 + 5 + 5 + 10


def test_a_hit_writes_what_the_entry_holds(sqlite_db, tmp_path):
    """Proof that a hit does not generate: a row edited in the entry is the row the database gets."""
    with rolled_back(sqlite_db):
        load_profile(BLOG, counts=SMALL, using=sqlite_db, cache_dir=tmp_path)
    [path] = entries(tmp_path)
    entry = pickle.loads(path.read_bytes())
    posts = next(chunk for chunk in entry["chunks"] if chunk[0] == "blog.post")
    posts[4]["title"][0] = "Written by the cache"
    RowCache(tmp_path).save(entry["key"], entry["chunks"])
    with rolled_back(sqlite_db):
        data = load_profile(BLOG, counts=SMALL, using=sqlite_db, cache_dir=tmp_path)
        assert data.cached
        assert data.queryset("blog.Post").order_by("pk").first().title == "Written by the cache"


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a pickle")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:200])


def _a_column_short(path: Path) -> None:
    entry = pickle.loads(path.read_bytes())
    next(chunk for chunk in entry["chunks"] if chunk[0] == "blog.post")[4].pop("title")
    path.write_bytes(pickle.dumps(entry))


def _another_key(path: Path) -> None:
    entry = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**entry, "key": "0" * 64}))


def _rows_the_database_refuses(path: Path) -> None:
    entry = pickle.loads(path.read_bytes())
    slugs = next(chunk for chunk in entry["chunks"] if chunk[0] == "blog.post")[4]["slug"]
    slugs[1] = slugs[0]  # a unique clash: the replay rolls back, the rows are generated instead
    path.write_bytes(pickle.dumps(entry))


def spoiled_and_loaded(alias: str, directory: Path, spoil) -> None:
    """Load, spoil the entry, load again: the same rows, generated, and the entry whole again."""
    with rolled_back(alias):
        load_profile(BLOG, counts=SMALL, using=alias, cache_dir=directory)
        generated = dump(alias)
    [path] = entries(directory)
    spoil(path)
    ignored = stats["ignored"]
    with rolled_back(alias):
        again = load_profile(BLOG, counts=SMALL, using=alias, cache_dir=directory)
        assert dump(alias) == generated
    assert not again.cached and stats["ignored"] == ignored + 1
    with rolled_back(alias):
        assert load_profile(BLOG, counts=SMALL, using=alias, cache_dir=directory).cached  # rewritten whole
    assert entries(directory) == [path] and not list(directory.glob(".*.tmp"))


@pytest.mark.parametrize("spoil", [_garbage, _truncated, _a_column_short, _another_key, _rows_the_database_refuses])
def test_an_unusable_entry_is_made_anew_and_rewritten(sqlite_db, tmp_path, spoil):
    spoiled_and_loaded(sqlite_db, tmp_path, spoil)


def test_a_refused_replay_leaves_the_servers_transaction_usable(server_db, tmp_path):
    spoiled_and_loaded(server_db, tmp_path, _rows_the_database_refuses)


def test_cache_false_always_generates(sqlite_db, tmp_path):
    for _ in range(2):
        with rolled_back(sqlite_db):
            assert not load_profile(BLOG, counts=SMALL, using=sqlite_db, cache=False, cache_dir=tmp_path).cached
    assert entries(tmp_path) == []


def key(**options) -> str:
    starts = options.pop("starts", {})
    vendor = options.pop("vendor", "sqlite")
    return cache_key(seedgen.plan(BLOG, **options).starting_at(starts), vendor)


def test_the_key_changes_with_what_makes_other_rows():
    base = key(seed=1, counts=SMALL)
    assert key(seed=1, counts=SMALL) == base
    others = [key(seed=2, counts=SMALL), key(seed=1, counts={"blog.Post": 9}), key(seed=1, counts=SMALL, scale=2),
              key(seed=1, counts=SMALL, starts={"blog.post": 12}), key(seed=1, counts=SMALL, vendor="postgresql")]
    assert len({base, *others}) == 6
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        assert key(seed=1, counts=SMALL) != base  # the users' password hashes differ


def test_the_key_is_the_same_in_every_process():
    script = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tests.settings'\n"
              "from seedgen.environment import setup_django; setup_django('tests.settings')\n"
              "import seedgen; from seedgen.testing.cache import cache_key\n"
              f"print(cache_key(seedgen.plan({str(BLOG)!r}, seed=1, counts={SMALL!r}).starting_at({{}}), 'sqlite'))\n")
    keys = [subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")]
    assert len(keys[0]) == 64 and keys[0] == keys[1]


def test_where_the_cache_lives(monkeypatch, tmp_path):
    import seedgen.cachedir

    monkeypatch.delenv("SEEDGEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(seedgen.cachedir, "_pytest_cache", None)  # outside a pytest session with its cache
    assert cache_directory() == tmp_path / "xdg" / "seedgen"
    with override_settings(SEEDGEN_CACHE_DIR=str(tmp_path / "setting")):
        assert cache_directory() == tmp_path / "setting"
        monkeypatch.setenv("SEEDGEN_CACHE_DIR", str(tmp_path / "env"))
        assert cache_directory() == tmp_path / "env"


def test_seeded_test_case_in_a_django_test_run(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SEEDGEN_CACHE_DIR", str(tmp_path))
    seen = []

    class PostTests(SeededTestCase):
        seed_profile = BLOG
        seed_value = 5
        seed_counts = SMALL

        def test_the_handle(self):
            self.assertEqual(self.seed_data.queryset("blog.Post").count(), 8)
            self.assertEqual(self.seed_data.objects["python"].slug, "python")
            seen.append(self.seed_data.queryset("blog.Post").order_by("pk").first().title)

        def test_objects_are_copied_per_test_1(self):
            self.seed_data.objects["python"].name = "changed"

        def test_objects_are_copied_per_test_2(self):
            self.assertEqual(self.seed_data.objects["python"].name, "Python")

    class Forgotten(SeededTestCase):
        def test_nothing(self):
            pass

    results = {}
    for case in (PostTests, Forgotten):
        results[case] = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(
            unittest.defaultTestLoader.loadTestsFromTestCase(case))
    assert results[PostTests].wasSuccessful() and results[PostTests].testsRun == 3
    [(_, error)] = results[Forgotten].errors
    assert "PlanError: " in error and "Forgotten: set seed_profile, e.g. seed_profile = 'profiles/blog.yaml'" in error
    # The class's transaction took the rows; the title is the one seed 5 makes.
    assert Post.objects.using(sqlite_db).count() == 0
    with rolled_back(sqlite_db):
        assert seen == [load_profile(BLOG, seed=5, counts=SMALL, cache=False).queryset("blog.Post").order_by("pk").first().title]


def test_every_exported_name_is_documented():
    import seedgen.testing

    for name in seedgen.testing.__all__:
        assert getattr(seedgen.testing, name).__doc__, name
