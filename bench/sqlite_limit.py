"""seedgen insert of profiles/large.yaml into SQLite against SQLite's own limit: executemany of the same rows.

Each round copies one migrated database file twice. Into the first, ``seedgen insert`` runs as a
process of its own (wall time, start-up included, and peak RSS). Into the second, another process
reads the rows seedgen wrote back as tuples (not timed), then a plain ``sqlite3`` connection with
foreign keys on (as Django's) inserts those very rows with one ``executemany`` per table in one
transaction, timed to its commit. (Each side is a process of its own: Linux keeps a forked
parent's peak RSS in the child's, so a parent holding the rows would inflate seedgen's.) Both
files are compared table by table before a ratio is printed.

    .venv/bin/python bench/sqlite_limit.py [--posts 200000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, fresh_database, seedgen_process

TABLES = ["auth_user", "blog_category", "blog_tag", "blog_post", "blog_post_tags"]


def rows_of(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}


def digest(path: Path) -> str:
    """The rows of every table, hashed as they stream (the parent stays small: see above)."""
    sha = hashlib.sha256()
    with sqlite3.connect(path) as db:
        for table in TABLES:
            sha.update(table.encode())
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1"):
                sha.update(repr(row).encode())
    return sha.hexdigest()


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def executemany(path: Path, source: Path) -> float:
    """Seconds to insert the rows of ``source`` into ``path``, in a process of its own."""
    done = subprocess.run([sys.executable, __file__, "--baseline", str(source), str(path)], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).parent)
    return float(done.stdout.strip().splitlines()[-1])


def baseline(source: Path, path: Path) -> None:
    rows = rows_of(source)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    started = time.perf_counter()
    db.execute("BEGIN")
    for table in TABLES:
        if rows[table]:
            marks = ", ".join("?" * len(rows[table][0]))
            db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
    db.execute("COMMIT")
    print(time.perf_counter() - started)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        return baseline(*args.baseline)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.sqlite3"
        fresh_database(f"sqlite:///{template}")
        print(f"profiles/large.yaml with {args.posts:,} posts into SQLite files; seconds, commit included")
        print(f"{'round':>5}  {'seedgen':>8}  {'peak RSS MB':>11}  {'executemany':>11}  {'ratio':>6}")
        for round_ in range(1, args.rounds + 1):
            ours_file, theirs_file = Path(tmp) / f"seedgen{round_}.sqlite3", Path(tmp) / f"plain{round_}.sqlite3"
            shutil.copy(template, ours_file)
            shutil.copy(template, theirs_file)
            ours, rss = seedgen_process("insert", str(REPO / "profiles" / "large.yaml"), "--count",
                                        f"blog.Post={args.posts}", "--database-url", f"sqlite:///{ours_file}", "-q")
            theirs = executemany(theirs_file, ours_file)
            if digest(ours_file) != digest(theirs_file):
                raise SystemExit("the two databases differ: no ratio")
            print(f"{round_:>5}  {ours:>8.2f}  {rss:>11.1f}  {theirs:>11.2f}  {ours / theirs:>6.2f}", flush=True)
        rows = counts(ours_file)
        print("rows: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()) + f"; {sum(rows.values()):,} in all")


if __name__ == "__main__":
    main()
