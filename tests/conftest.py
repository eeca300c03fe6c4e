"""Test set-up: Django on tests.settings, and one migrated database per backend.

PostgreSQL and MariaDB tests skip when the server cannot be reached, with a
message naming how to enable them; with CI=true they fail instead.
"""

from __future__ import annotations

import os
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


def _create_database(alias: str) -> None:
    conf = settings.DATABASES[alias]
    name = conf["NAME"]
    if alias == "postgresql":
        import psycopg

        with psycopg.connect(host=conf["HOST"], port=conf["PORT"], user=conf["USER"], dbname="postgres",
                             autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    elif alias == "mysql":
        import pymysql

        conn = pymysql.connect(host=conf["HOST"], port=int(conf["PORT"]), user=conf["USER"],
                               password=conf["PASSWORD"], connect_timeout=5)
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
                cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        finally:
            conn.close()
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
    """Delete all rows of the blog and auth tables, resetting sequences."""
    call_command("flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True)


@pytest.fixture(params=BACKENDS)
def db(request) -> str:
    """An empty, migrated database on each backend; yields its alias."""
    alias = request.param
    ensure_database(alias)
    empty_database(alias)
    yield alias
    connections[alias].close()


@pytest.fixture
def sqlite_db() -> str:
    ensure_database("default")
    empty_database("default")
    return "default"


@pytest.fixture(params=["postgresql", "mysql"])
def server_db(request) -> str:
    """An empty, migrated database on each server backend."""
    ensure_database(request.param)
    empty_database(request.param)
    yield request.param
    connections[request.param].close()


@pytest.fixture
def pg_db() -> str:
    ensure_database("postgresql")
    empty_database("postgresql")
    yield "postgresql"
    connections["postgresql"].close()


def database_url(alias: str) -> str:
    """The URL of a test database, as --database-url takes it."""
    conf = settings.DATABASES[alias]
    if alias == "default":
        return f"sqlite:///{conf['NAME']}"
    scheme = "postgresql" if alias == "postgresql" else "mysql"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"{scheme}://{conf['USER']}{password}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"


def pytest_sessionfinish(session, exitstatus) -> None:
    Path(settings.DATABASES["default"]["NAME"]).unlink(missing_ok=True)


@pytest.fixture
def blog_profile() -> Path:
    return PROFILES / "blog.yaml"
