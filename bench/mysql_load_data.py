"""seedgen insert of profiles/large.yaml against MariaDB's own limit: LOAD DATA LOCAL INFILE of the same rows.

Each round empties the database and runs ``seedgen insert profiles/large.yaml``
as a process of its own (wall time from start-up to commit, and peak RSS),
twice: as it comes (LOAD DATA LOCAL INFILE, since seedgen's own
``--database-url`` connections allow it and this server's ``local_infile`` is
on) and with ``?local_infile=0`` (multi-row INSERTs). In the first round the
rows seedgen wrote are read back and written as one tab-separated file per
table (not timed). Then the database is emptied again and those files are
loaded with LOAD DATA LOCAL INFILE, one table after another in one
transaction, foreign keys checked, timed to the commit: the server's own
ingest of the very same rows. ``CHECKSUM TABLE`` of every table must be the
same after each side before a ratio is printed.

    .venv/bin/python bench/mysql_load_data.py [--posts 1000000] [--rounds 2] [--url mysql://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from common import REPO, empty, fresh_database, seedgen_process, timed
from insert_memory import URLS

TABLES = ["auth_user", "blog_category", "blog_tag", "blog_post", "blog_post_tags"]


def connect(url: str):
    import pymysql

    from seedgen.environment import parse_database_url

    conf = parse_database_url(url)
    return pymysql.connect(host=conf["HOST"], port=int(conf["PORT"] or 3306), user=conf["USER"],
                           password=conf["PASSWORD"], database=conf["NAME"], charset="utf8mb4", local_infile=True)


def checksums(url: str) -> dict[str, int]:
    db = connect(url)
    with db.cursor() as cursor:
        cursor.execute(f"CHECKSUM TABLE {', '.join(TABLES)}")
        sums = {name.rpartition(".")[2]: value for name, value in cursor.fetchall()}
    db.close()
    return sums


def dump(url: str, directory: Path) -> None:
    """Every table's rows, pk order, as LOAD DATA's default file format (the sink's own renderer)."""
    import pymysql

    from seedgen.sinks.mysql import tsv

    as_text = lambda v: str(v) if isinstance(v, (dt.datetime, dt.date)) else v  # noqa: E731
    db = connect(url)
    for table in TABLES:
        with db.cursor(pymysql.cursors.SSCursor) as cursor, open(directory / table, "w", encoding="utf-8",
                                                                 newline="") as out:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")
            while rows := cursor.fetchmany(10_000):
                out.write(tsv([tuple(map(as_text, row)) for row in rows]))
    db.close()


def load_back(url: str, directory: Path) -> None:
    db = connect(url)
    with db.cursor() as cursor:
        cursor.execute("START TRANSACTION")
        for table in TABLES:
            cursor.execute(f"LOAD DATA LOCAL INFILE '{directory / table}' INTO TABLE {table} CHARACTER SET utf8mb4")
        cursor.execute("SHOW WARNINGS")
        if cursor.fetchall():
            raise SystemExit("LOAD DATA warned: no ratio")
        db.commit()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--url", default=URLS["mysql"])
    args = parser.parse_args()
    fresh_database(args.url)
    from django.db import connection

    inserts_url = args.url + ("&" if "?" in args.url else "?") + "local_infile=0"
    profile = str(REPO / "profiles" / "large.yaml")
    print(f"profiles/large.yaml with {args.posts:,} posts into MariaDB at {args.url}; seconds, commit included")
    print(f"{'round':>5}  {'seedgen (LOAD DATA)':>19}  {'peak RSS MB':>11}  {'seedgen (INSERTs)':>17}  "
          f"{'LOAD DATA of the rows':>21}  {'ratios':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for round_ in range(1, args.rounds + 1):
            runs = {}
            for name, url in (("load", args.url), ("inserts", inserts_url)):
                empty()
                connection.close()
                runs[name] = seedgen_process("insert", profile, "--count", f"blog.Post={args.posts}",
                                             "--database-url", url, "-q")
                if round_ == 1 and name == "load":
                    expected = checksums(args.url)
                    dump(args.url, directory)
                elif checksums(args.url) != expected:
                    raise SystemExit(f"seedgen by {name} made other rows: no ratio")
            empty()
            connection.close()
            theirs = timed(lambda: load_back(args.url, directory))
            if checksums(args.url) != expected:
                raise SystemExit("LOAD DATA of the dump made other rows: no ratio")
            (load, rss), (inserts, _) = runs["load"], runs["inserts"]
            print(f"{round_:>5}  {load:>19.1f}  {rss:>11.1f}  {inserts:>17.1f}  {theirs:>21.1f}  "
                  f"{load / theirs:>5.2f} {inserts / theirs:>5.2f}", flush=True)
    with connection.cursor() as cursor:
        rows = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in rows.items()) + f"; {sum(rows.values()):,} in all")


if __name__ == "__main__":
    main()
