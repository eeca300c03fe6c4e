"""Atomic inserts under fire: Ctrl-C, SIGINT during COPY, a connection killed from the server side."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connections

from seedgen import api
from seedgen.errors import Interrupted, SinkError
from seedgen.sinks.database import DatabaseSink
from tests.conftest import PROFILES, REPO, database_url, server_sql
from tests.sinks.test_fixtures import dumpdata
from tests.sinks.test_mysql import load_directories

BLOG = PROFILES / "blog.yaml"


def on_posts(monkeypatch, action) -> None:
    """Run ``action(sink)`` as the first chunk of blog.Post is handed to the database sink."""
    batches = DatabaseSink.batches

    def batches_after(self, chunk):
        if chunk.model.label == "blog.post" and chunk.start == 0:
            action(self)
        return batches(self, chunk)

    monkeypatch.setattr(DatabaseSink, "batches", batches_after)


def test_ctrl_c_midway_rolls_back_and_says_nothing_was_written(db, monkeypatch):
    api.insert(BLOG, database=db, counts={"blog.Post": 5})
    before = dumpdata(db)

    def interrupt(sink):
        raise KeyboardInterrupt

    on_posts(monkeypatch, interrupt)
    with pytest.raises(Interrupted, match="^interrupted: nothing was written$"):
        api.insert(BLOG, database=db, clear=True)
    assert dumpdata(db) == before


def backend_id(alias: str) -> int:
    query = "SELECT pg_backend_pid()" if alias == "postgresql" else "SELECT CONNECTION_ID()"
    with connections[alias].cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def test_a_connection_killed_by_the_server_rolls_back_everything(server_db, monkeypatch):
    api.insert(BLOG, database=server_db, counts={"blog.Post": 5})
    before = dumpdata(server_db)

    victim = backend_id(server_db)  # the connection the insert will use; asked now, as the writer thread will hold it

    def kill(sink):
        if server_db == "postgresql":
            server_sql(server_db, "SELECT pg_terminate_backend(%s)", params=[victim])
        else:
            server_sql(server_db, f"KILL {victim}")

    on_posts(monkeypatch, kill)
    # The writer thread may be filing an earlier model's chunk when the connection dies.
    with pytest.raises(SinkError, match=rf"^database '{server_db}': .*; nothing was written$"):
        api.insert(BLOG, database=server_db, clear=True)
    connections[server_db].close()
    assert dumpdata(server_db) == before


BUSY = {
    # A COPY into blog_post that is running right now.
    "postgresql": ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND state = 'active' AND query LIKE 'COPY \"blog_post\"%%'"),
    # A LOAD DATA into blog_post that is running right now (seedgen's URL connections allow it).
    "mysql": "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'LOAD DATA LOCAL INFILE % INTO "
             "TABLE `blog_post` %'",
}


STOPS = [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped by SIGTERM"),
         (signal.SIGHUP, 129, "stopped by SIGHUP")]


@pytest.mark.parametrize(("signum", "code", "said"), STOPS[:2])  # SIGHUP takes SIGTERM's path; the export test has it
def test_a_signal_while_rows_stream_in_rolls_back_and_says_so(server_db, signum, code, said):
    from tests.sinks.test_postgresql import schema

    api.insert(BLOG, database=server_db, counts={"blog.Post": 5})
    before = dumpdata(server_db)
    before_schema = schema(server_db) if server_db == "postgresql" else None
    before_files = load_directories()
    command = [sys.executable, "-m", "seedgen", "insert", str(PROFILES / "large.yaml"), "--count", "blog.Post=400000",
               "--database-url", database_url(server_db), "--settings", "tests.settings", "--clear", "--yes"]
    stop_midway(command, lambda: server_sql(server_db, BUSY[server_db])[0][0] > 0, signum, code, said)
    assert dumpdata(server_db) == before
    if before_schema is not None:
        assert schema(server_db) == before_schema
    assert load_directories() == before_files, "LOAD DATA's file went with the run"


@pytest.mark.parametrize(("signum", "code", "said"), STOPS)
def test_a_signal_during_an_export_leaves_no_file_behind(tmp_path, signum, code, said):
    target = tmp_path / "large.jsonl.gz"
    command = [sys.executable, "-m", "seedgen", "export", str(PROFILES / "large.yaml"), "--count", "blog.Post=400000",
               "-o", str(target), "--settings", "tests.settings"]
    stop_midway(command, lambda: any(p.stat().st_size for p in tmp_path.iterdir()), signum, code, said)
    assert list(tmp_path.iterdir()) == []


def stop_midway(command: list[str], started, signum: int, code: int, said: str) -> None:
    """Run ``command``, send ``signum`` once ``started()`` says rows are flowing, and check it stopped cleanly."""
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 120
        while not started():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the run never started writing rows"
            time.sleep(0.005)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == f"Error: {said}: nothing was written"
    assert "Traceback" not in err
