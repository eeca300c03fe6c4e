"""Test set-up: Django on tests.settings, and one migrated database per backend.

PostgreSQL and MariaDB tests skip when the server cannot be reached, with a
message naming how to enable them; with CI=true they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

from seedgen.environment import setup_django  # noqa: E402

setup_django("tests.settings")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PROFILES = REPO / "profiles"
BACKENDS = ["default", "postgresql", "mysql"]
_HOW = {
    "postgresql": "start PostgreSQL on 127.0.0.1:5432 (trust auth) or set SEEDGEN_TEST_PG_HOST/PORT/USER",
    "mysql": "start MariaDB on 127.0.0.1:3306 (root, no password) or set SEEDGEN_TEST_MYSQL_HOST/PORT/USER/PASSWORD",
}


def server_sql(alias: str, *statements: str, params=(), on: str | None = None) -> list[tuple]:
    """Run ``statements`` on a connection of its own (autocommit), outside Django's; the rows of the last.

    ``on`` names the database: by default the backend's test database, ``""`` none (to create one).
    """
    conf = settings.DATABASES[alias]
    name = conf["NAME"] if on is None else on
    rows: list[tuple] = []
    if alias == "postgresql":
        import psycopg

        with psycopg.connect(host=conf["HOST"], port=conf["PORT"], user=conf["USER"], dbname=name or "postgres",
                             autocommit=True, connect_timeout=5) as conn:
            for sql in statements:
                cursor = conn.execute(sql, params)
                rows = cursor.fetchall() if cursor.description else []
        return rows
    import pymysql

    with pymysql.connect(host=conf["HOST"], port=int(conf["PORT"]), user=conf["USER"], password=conf["PASSWORD"],
                         database=name or None, autocommit=True, connect_timeout=5) as conn, conn.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params or None)
            rows = list(cursor.fetchall())
    return rows


def _create_database(alias: str) -> None:
    name = settings.DATABASES[alias]["NAME"]
    if alias == "postgresql":
        server_sql(alias, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"', on="")
    elif alias == "mysql":
        server_sql(alias, f"DROP DATABASE IF EXISTS `{name}`",
                   f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", on="")
    else:
        Path(name).unlink(missing_ok=True)


_ready: dict[str, str | None] = {}


def ensure_database(alias: str) -> None:
    """Create and migrate the backend's test database once per session, or skip/fail."""
    if alias not in _ready:
        try:
            _create_database(alias)
            call_command("migrate", database=alias, interactive=False, verbosity=0)
            _ready[alias] = None
        except Exception as exc:  # any failure to reach the server means the backend is missing
            _ready[alias] = f"{alias}: cannot use the server ({str(exc).strip().splitlines()[0]}); {_HOW.get(alias, '')}"
    problem = _ready[alias]
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)


def empty_database(alias: str) -> None:
    """Delete every row, resetting sequences, then make the content types and permissions that
    migrate makes (fixtures refer to those by natural key)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    call_command("flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True)
    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0, using=alias)
        create_permissions(config, verbosity=0, using=alias)


def fresh(alias: str) -> Iterator[str]:
    """The body of the database fixtures: migrated once, emptied before the test, closed after it."""
    ensure_database(alias)
    empty_database(alias)
    yield alias
    connections[alias].close()


@pytest.fixture(params=BACKENDS)
def db(request) -> Iterator[str]:
    """An empty, migrated database on each backend; yields its alias."""
    yield from fresh(request.param)


@pytest.fixture
def sqlite_db() -> Iterator[str]:
    yield from fresh("default")


@pytest.fixture(params=["postgresql", "mysql"])
def server_db(request) -> Iterator[str]:
    """An empty, migrated database on each server backend."""
    yield from fresh(request.param)


@pytest.fixture
def pg_db() -> Iterator[str]:
    yield from fresh("postgresql")


def database_url(alias: str) -> str:
    """The URL of a test database, as --database-url takes it."""
    conf = settings.DATABASES[alias]
    if alias == "default":
        return f"sqlite:///{conf['NAME']}"
    scheme = "postgresql" if alias == "postgresql" else "mysql"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"{scheme}://{conf['USER']}{password}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"


def pytest_sessionfinish(session, exitstatus) -> None:
    """Drop what this process made: its SQLite file and its server databases."""
    Path(settings.DATABASES["default"]["NAME"]).unlink(missing_ok=True)
    for alias in ("postgresql", "mysql"):
        if _ready.get(alias, "unused") is None:  # made and migrated by this process
            connections[alias].close()
            name = settings.DATABASES[alias]["NAME"]
            drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' if alias == "postgresql" else f"DROP DATABASE IF EXISTS `{name}`"
            server_sql(alias, drop, on="")


@pytest.fixture
def blog_profile() -> Path:
    return PROFILES / "blog.yaml"
