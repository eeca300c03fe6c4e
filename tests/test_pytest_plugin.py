"""The pytest plugin in real inner pytest sessions: pytest-django on the test settings and the demo blog,
on SQLite and PostgreSQL, the row cache under the inner session's own .pytest_cache."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import PROFILES, REPO

pytest_plugins = ["pytester"]

# The inner session's tests, for one database alias. They run in this order (one file, no xdist).
SEEDED = '''
import pytest
from django.contrib.auth.models import User
from django.db import connections

from seedgen.demo.blog.models import Category, Post, Tag
from seedgen.testing import SeededTestCase

ALIAS = {alias!r}
DATABASES = sorted({{"default", ALIAS}})  # Django makes a test database for another alias after default's
BLOG = pytest.mark.seed_profile("profiles/blog.yaml", seed=1, scale=0.2, using=ALIAS)
pytestmark = pytest.mark.django_db(databases=DATABASES)


@BLOG
def test_named_objects_are_model_instances(seed_data):
    tag = seed_data.objects["django"]
    assert isinstance(tag, Tag) and (tag.name, tag.slug) == ("Django", "django")
    assert seed_data.objects["programming"] == Category.objects.using(ALIAS).get(slug="programming")
    assert seed_data.queryset("blog.Post").count() == Post.objects.using(ALIAS).count() == 10
    assert seed_data.queryset("blog.Tag").count() == 10
    assert connections[ALIAS].in_atomic_block  # inside the test's transaction


def test_the_rows_went_with_the_test():
    assert Post.objects.using(ALIAS).count() == Tag.objects.using(ALIAS).count() == 0


@pytest.fixture
def own_post(db):
    author = User.objects.db_manager(ALIAS).create_user("own")
    category = Category.objects.using(ALIAS).create(name="Own", slug="own")
    return Post.objects.using(ALIAS).create(title="Own", slug="own", content="mine", author=author, category=category)


@BLOG
def test_the_queryset_holds_only_the_seeded_rows(own_post, seed_data):
    posts = seed_data.queryset("blog.Post")
    assert posts.count() == 10 and own_post not in posts
    assert Post.objects.using(ALIAS).count() == 11
    assert min(posts.values_list("pk", flat=True)) == own_post.pk + 1
    assert seed_data.queryset("auth.User").filter(username="own").count() == 0


@BLOG
def test_new_rows_go_after_the_seeded_ones(seed_data):
    last = seed_data.queryset("blog.Post").order_by("pk").last()
    post = Post.objects.using(ALIAS).create(title="New", slug="new", content="", author=last.author, category=last.category)
    assert post.pk == last.pk + 1


@pytest.mark.seed_profile("profiles/blog.yaml", seed=1, counts={{"blog.Post": 7}}, using=ALIAS)
def test_counts(seed_data):
    assert seed_data.queryset("blog.Post").count() == 7


@BLOG
@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_a_transactional_test(seed_data):
    assert not connections[ALIAS].in_atomic_block  # the rows were committed; the flush after the test takes them
    assert seed_data.queryset("blog.Post").count() == 10


@BLOG
def test_the_transactional_db_fixture(transactional_db, seed_data):
    assert not connections[ALIAS].in_atomic_block
    assert seed_data.queryset("blog.Post").count() == 10


@pytest.mark.django_db(transaction=True, databases=DATABASES)  # pytest-django runs transactional tests last
def test_the_flush_took_the_committed_rows():
    assert Post.objects.using(ALIAS).count() == Tag.objects.using(ALIAS).count() == 0


class SeededPostTests(SeededTestCase):
    databases = set(DATABASES)
    seed_profile = "profiles/blog.yaml"  # relative to the working directory, like seedgen.insert's
    seed_value = 1
    seed_scale = 0.2
    seed_database = ALIAS

    def test_a_rename_stays_in_its_test(self):
        self.seed_data.objects["django"].name = "renamed"
        self.assertEqual(self.seed_data.queryset("blog.Post").count(), 10)

    def test_each_test_has_its_own_objects(self):
        self.assertEqual(self.seed_data.objects["django"].name, "Django")
'''

# factories/ writes to the default database: per-test objects beside the seeded rows (SQLite session only).
FACTORY = '''

@BLOG
def test_a_factory_post_beside_the_seeded_rows(seed_data):
    from factories.blog import PostFactory

    author = seed_data.queryset("auth.User").first()
    post = PostFactory(author=author, category=seed_data.objects["technology"], tags=[seed_data.objects["django"]])
    assert post not in seed_data.queryset("blog.Post")
    assert list(post.tags.all()) == [seed_data.objects["django"]]
'''

MISTAKES = '''
import pytest


def test_no_marker(seed_data):
    pass


@pytest.mark.seed_profile("profiles/blog.yaml", sead=1)
def test_a_misspelt_option(seed_data):
    pass


@pytest.mark.seed_profile("profiles/missing.yaml")
def test_a_missing_profile(seed_data):
    pass
'''


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project directory with the blog profile, running pytest-django on tests.settings in a subprocess."""
    (pytester.path / "profiles").mkdir()
    shutil.copy(PROFILES / "blog.yaml", pytester.path / "profiles" / "blog.yaml")
    pytester.makeini("[pytest]\nDJANGO_SETTINGS_MODULE = tests.settings\n")
    # tests.settings names a MariaDB database too: Django's backend runs on PyMySQL there.
    pytester.makeconftest("from seedgen.environment import use_pymysql\n\nuse_pymysql()\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("SEEDGEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # --nomigrations: pytest-django makes the test database's tables from the models, which is faster.
    return pytester.runpytest_subprocess("-p", "no:xdist", "--nomigrations", *args)


def postgresql_reachable() -> str | None:
    from tests.conftest import server_sql

    try:
        server_sql("postgresql", "SELECT 1", on="")
    except Exception as exc:
        return f"postgresql: cannot use the server ({str(exc).strip().splitlines()[0]})"
    return None


@pytest.mark.parametrize("alias", ["default", "postgresql"])
def test_marker_and_fixture_in_a_pytest_django_session(inner: pytest.Pytester, alias: str) -> None:
    if alias == "postgresql" and (problem := postgresql_reachable()):
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    inner.makepyfile(test_seeded=SEEDED.format(alias=alias) + (FACTORY if alias == "default" else ""))
    tests, seeded = (11, 8) if alias == "default" else (10, 7)
    first = run(inner)
    first.assert_outcomes(passed=tests)
    # Generated: the first test's plan, the one after the test's own post, the one with 7 posts.
    # Every other test (and the TestCase class) seeds a plan seen before, after a rollback or a flush.
    first.stdout.fnmatch_lines([f"seedgen: {seeded} seeded, {seeded - 3} replayed from the row cache"])
    entries = sorted((inner.path / ".pytest_cache" / "d" / "seedgen").glob("*.pickle"))
    assert len(entries) == 3

    second = run(inner)
    second.assert_outcomes(passed=tests)
    second.stdout.fnmatch_lines([f"seedgen: {seeded} seeded, {seeded} replayed from the row cache"])
    assert sorted((inner.path / ".pytest_cache" / "d" / "seedgen").glob("*.pickle")) == entries


def test_mistakes_fail_their_test_with_one_line(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_mistakes=MISTAKES)
    result = run(inner)
    result.assert_outcomes(errors=3)  # a fixture that fails is an error at setup
    result.stdout.fnmatch_lines_random([
        "*seed_data needs a profile: mark the test, its class or module with @pytest.mark.seed_profile(*",
        "*seed_profile() got an unexpected keyword argument 'sead'; @pytest.mark.seed_profile takes (profile, *, seed, *",
        "*seed_data: */profiles/missing.yaml: no such profile file*",
    ])
    result.stdout.no_fnmatch_line("*seedgen: * seeded*")


def test_a_session_that_does_not_use_it_is_untouched(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    pytester.makepyfile(test_plain='''
        import sys

        def test_django_is_not_set_up():
            from django.apps import apps
            from django.conf import settings

            assert not settings.configured and not apps.ready
            assert "seedgen.testing.seeding" not in sys.modules
    ''')
    result = pytester.runpytest_subprocess("-p", "no:xdist", "--strict-markers")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("seedgen: *")
    assert not (pytester.path / ".pytest_cache" / "d" / "seedgen").exists()
    markers = pytester.runpytest_subprocess("-p", "no:xdist", "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.seed_profile(profile, *, seed=None, counts=None, scale=1.0, using='default', cache=True):*"])
