"""MariaDB: the sink's multi-row INSERTs against LOAD DATA LOCAL INFILE of the same rows.

Why the MariaDB sink writes INSERTs: both sides get the very same rows of
``profiles/large.yaml`` (N posts and their tags, made once, before timing),
into the same database with its users, categories and tags in place, each in a
transaction that is timed to its last statement and then rolled back. The
INSERT side is ``MySQLSink.insert`` (VALUES rendered a column at a time); the
LOAD DATA side writes each chunk as a tab-separated temporary file and loads it.

    .venv/bin/python bench/mysql_load_data.py [--posts 100000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from types import SimpleNamespace

from common import REPO, fresh_database, timed
from insert_memory import URLS

_TSV = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"})


def tsv_column(column) -> list[str]:
    sample = next((v for v in column if v is not None), None)
    if isinstance(sample, str):
        return ["\\N" if v is None else v.translate(_TSV) for v in column]
    if isinstance(sample, bool):
        return ["\\N" if v is None else str(int(v)) for v in column]
    return ["\\N" if v is None else str(v) for v in column]


def load_data(raw, batches) -> None:
    with raw.cursor() as cursor, tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "chunk.tsv")
        for table, rows in batches:
            columns = [tsv_column(column) for column in zip(*rows)]
            with open(path, "w", encoding="utf-8") as out:
                out.write("\n".join("\t".join(values) for values in zip(*columns)))
            names = ", ".join(f"`{c}`" for c in table.columns)
            cursor.execute(f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE `{table.name}` CHARACTER SET utf8mb4 ({names})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    url = URLS["mysql"]
    fresh_database(url)
    import pymysql
    from django.db import connection

    from seedgen import api
    from seedgen.generate.chunks import ModelGenerator
    from seedgen.sinks.mysql import MySQLSink

    large = REPO / "profiles" / "large.yaml"
    api.insert(large, counts={"blog.Post": 0}, database_url=url)  # users, categories, tags
    plan = api.prepare(large, counts={"blog.Post": args.posts})
    sink = MySQLSink()
    sink.plan, sink.connection = plan, connection
    sink.tables = {m.label: m.tables for m in plan.models}
    post = plan.model("blog.Post")
    batches = [batch for chunk in ModelGenerator(plan, post).chunks(5000) for batch in sink.batches(chunk)]
    rows = sum(len(rows) for _, rows in batches)
    conf = connection.settings_dict
    raw = pymysql.connect(host=conf["HOST"], port=int(conf["PORT"] or 3306), user=conf["USER"],
                          password=conf["PASSWORD"], database=conf["NAME"], charset="utf8mb4", local_infile=True)
    # The sink's insert, on this connection: it reads the driver connection and quoting from sink.connection.
    sink.connection = SimpleNamespace(connection=raw, ops=connection.ops)
    sink.escape, sink.statement_chars = raw.escape, 16 * 1024 * 1024 // 8

    def inserts():
        for table, rows in batches:
            sink.insert(table, rows)

    print(f"MariaDB at {url}: {args.posts:,} posts and their tags, {rows:,} rows; seconds to the last statement")
    print(f"{'round':>5}  {'INSERTs':>8}  {'LOAD DATA':>9}  {'ratio':>6}")
    for round_ in range(1, args.rounds + 1):
        raw.begin()
        ours = timed(inserts)
        raw.rollback()
        raw.begin()
        theirs = timed(lambda: load_data(raw, batches))
        raw.rollback()
        print(f"{round_:>5}  {ours:>8.2f}  {theirs:>9.2f}  {ours / theirs:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
