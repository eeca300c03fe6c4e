"""Settings of the test suite: the demo blog on SQLite, PostgreSQL and MariaDB.

The servers are the machine's: PostgreSQL on 127.0.0.1:5432 and MariaDB on
127.0.0.1:3306 (override with SEEDGEN_TEST_PG_* / SEEDGEN_TEST_MYSQL_*).
"""

import os
import tempfile

from seedgen.demo.settings import DEFAULT_AUTO_FIELD, INSTALLED_APPS, TIME_ZONE, USE_TZ  # noqa: F401

INSTALLED_APPS = [*INSTALLED_APPS, "tests.apps.reviews",
                  "tests.apps.catalog", "tests.apps.accounts", "tests.apps.inherit", "tests.apps.org", "tests.apps.fieldtypes",
                  "polymorphic", "tests.apps.shapes"]

SECRET_KEY = "seedgen-tests"
# One database per test process (each pytest-xdist worker is one), so that two runs on one
# machine, or two workers of one run, never drop each other's databases.
TEST_DB_NAME = os.environ.get("SEEDGEN_TEST_DB_NAME") or f"seedgen_test_{os.getpid()}"
if os.environ.get("PYTEST_XDIST_WORKER"):
    TEST_DB_NAME += f"_{os.environ['PYTEST_XDIST_WORKER']}"  # a name given for the run: one per worker still
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(tempfile.gettempdir(), f"seedgen-test-{os.getpid()}.sqlite3"),
    },
    "postgresql": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": TEST_DB_NAME,
        "USER": os.environ.get("SEEDGEN_TEST_PG_USER", "postgres"),
        "HOST": os.environ.get("SEEDGEN_TEST_PG_HOST", "127.0.0.1"),
        "PORT": os.environ.get("SEEDGEN_TEST_PG_PORT", "5432"),
    },
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": TEST_DB_NAME,
        "USER": os.environ.get("SEEDGEN_TEST_MYSQL_USER", "root"),
        "PASSWORD": os.environ.get("SEEDGEN_TEST_MYSQL_PASSWORD", ""),
        "HOST": os.environ.get("SEEDGEN_TEST_MYSQL_HOST", "127.0.0.1"),
        "PORT": os.environ.get("SEEDGEN_TEST_MYSQL_PORT", "3306"),
        "OPTIONS": {"charset": "utf8mb4"},
    },
}
# Hashing a demo password a million times per export is wasted test time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
