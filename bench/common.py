"""What the benchmarks share: a fresh PostgreSQL database for the demo blog, and timing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("SEEDGEN_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/seedgen_bench")


def fresh_database(url: str = DATABASE_URL) -> None:
    """Make the database of ``url`` anew (PostgreSQL, MariaDB or an SQLite file), point Django's default at it, migrate."""
    from seedgen.environment import DEMO_SETTINGS, parse_database_url, setup_django, use_database_url

    sys.path.insert(0, str(REPO))
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:///"))
        path.unlink(missing_ok=True)
        path.touch()
    config = parse_database_url(url)
    if config["ENGINE"].endswith("postgresql"):
        import psycopg

        with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                             password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
    elif config["ENGINE"].endswith("mysql"):
        import pymysql

        conn = pymysql.connect(host=config["HOST"], port=int(config["PORT"] or 3306), user=config["USER"],
                               password=config["PASSWORD"])
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{config['NAME']}`")
            cursor.execute(f"CREATE DATABASE `{config['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        conn.close()
    setup_django(DEMO_SETTINGS)
    use_database_url(url)
    from seedgen import api

    api.migrate()


def empty() -> None:
    """Delete every row and reset the sequences, as a new database would be."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


_CHILD = (
    "import resource, sys\n"
    "from seedgen.cli import cli\n"
    "try:\n"
    "    cli(sys.argv[1:], prog_name='seedgen')\n"
    "finally:\n"
    "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def seedgen_process(*args: str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one ``seedgen`` command run as a process of its own."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(done.stderr)
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024
