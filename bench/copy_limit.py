"""seedgen insert of profiles/large.yaml against PostgreSQL's own limit: COPY of the same rows, pre-rendered.

Each round flushes the database, runs ``seedgen insert profiles/large.yaml``
as a process of its own (wall time and peak RSS), then flushes again and
COPYs the very rows seedgen wrote (dumped once with ``COPY … TO``) back
into the same tables in one transaction, three ways: into the schema as
Django made it (deferred foreign keys); with the foreign keys dropped and
added back; and with the plain indexes dropped and made again too, as
seedgen does for big tables (the server's best ingest of these rows).

    .venv/bin/python bench/copy_limit.py [--posts 1000000] [--rounds 2] [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import DATABASE_URL, REPO, empty, fresh_database, seedgen_process, timed

TABLES = ["auth_user", "blog_category", "blog_tag", "blog_post", "blog_post_tags"]


def seedgen_insert(url: str, posts: int) -> tuple[float, float]:
    """(seconds, peak RSS MB) of one ``seedgen insert`` process."""
    return seedgen_process("insert", str(REPO / "profiles" / "large.yaml"), "--count", f"blog.Post={posts}",
                           "--database-url", url, "-q")


def dump(directory: Path) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            with open(directory / table, "wb") as out, cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    out.write(block)


def copy_back(directory: Path, *, keys: bool, indexes: bool = False) -> None:
    from django.db import connection, transaction

    from seedgen.sinks.postgresql import add_foreign_keys, drop_foreign_keys, drop_plain_indexes

    with transaction.atomic(), connection.cursor() as cursor:
        dropped, plain = [], []
        if keys:  # the very functions the sink uses
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            dropped = drop_foreign_keys(cursor, TABLES)
        if indexes:
            plain = drop_plain_indexes(cursor, TABLES)
        for table in TABLES:
            with open(directory / table, "rb") as source, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
        for sql in plain:
            cursor.execute(sql)
        add_foreign_keys(cursor, dropped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--url", default=DATABASE_URL)
    args = parser.parse_args()
    fresh_database(args.url)
    from django.db import connection

    print(f"profiles/large.yaml with {args.posts:,} posts into PostgreSQL at {args.url}; seconds, commit included")
    print(f"{'round':>5}  {'seedgen':>8}  {'peak RSS MB':>11}  {'COPY as is':>10}  {'COPY, FKs rebuilt':>17}  "
          f"{'COPY, FKs + indexes rebuilt':>27}  {'ratio to each':>19}")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for round_ in range(1, args.rounds + 1):
            empty()
            connection.close()
            ours, rss = seedgen_insert(args.url, args.posts)
            if round_ == 1:
                rows = {}
                with connection.cursor() as cursor:
                    for table in TABLES:
                        cursor.execute(f"SELECT count(*) FROM {table}")
                        rows[table] = cursor.fetchone()[0]
                dump(directory)
            empty()
            plain = timed(lambda: copy_back(directory, keys=False))
            empty()
            rebuilt = timed(lambda: copy_back(directory, keys=True))
            empty()
            best = timed(lambda: copy_back(directory, keys=True, indexes=True))
            print(f"{round_:>5}  {ours:>8.1f}  {rss:>11.1f}  {plain:>10.1f}  {rebuilt:>17.1f}  {best:>27.1f}  "
                  f"{ours / plain:>5.2f} {ours / rebuilt:>5.2f} {ours / best:>5.2f}", flush=True)
    total = sum(rows.values())
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in rows.items()) + f"; {total:,} in all")


if __name__ == "__main__":
    main()
