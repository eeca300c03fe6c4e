"""What the benchmarks share: a fresh PostgreSQL database for the demo blog, and timing."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("SEEDGEN_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/seedgen_bench")


def fresh_database(url: str = DATABASE_URL) -> None:
    """Drop and create the database of ``url``, point Django's default at it, and migrate it."""
    import psycopg

    from seedgen.environment import DEMO_SETTINGS, parse_database_url, setup_django, use_database_url

    sys.path.insert(0, str(REPO))
    config = parse_database_url(url)
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
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
