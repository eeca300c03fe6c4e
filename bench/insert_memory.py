"""Peak memory and speed of `seedgen insert profiles/large.yaml` on SQLite, PostgreSQL and MariaDB.

Streaming means the peak RSS depends on the chunk size, not on the row
count, whatever the database. Each run is a process of its own into a
database made anew and migrated; RSS is the child's ru_maxrss.

    .venv/bin/python bench/insert_memory.py [--sizes 10000,1000000] [--backends sqlite,postgresql,mysql]
"""

from __future__ import annotations

import argparse
import os
import tempfile

from common import DATABASE_URL, REPO, fresh_database, seedgen_process

URLS = {
    "postgresql": DATABASE_URL,
    "mysql": os.environ.get("SEEDGEN_BENCH_MYSQL_URL", "mysql://root@127.0.0.1:3306/seedgen_bench"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql,mysql")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("seedgen insert profiles/large.yaml, one process per run, into a new migrated database")
    print(f"{'backend':<10}  {'posts':>10}  {'seconds':>8}  {'rows/s':>9}  {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory() as directory:
        urls = {**URLS, "sqlite": f"sqlite:///{directory}/large.sqlite3"}
        for backend in args.backends.split(","):
            peaks = []
            for posts in sizes:
                fresh_database(urls[backend])
                seconds, rss = seedgen_process("insert", str(REPO / "profiles" / "large.yaml"), "--count",
                                               f"blog.Post={posts}", "--database-url", urls[backend], "-q")
                peaks.append(rss)
                rows = posts * 3.5 + 11_100  # about: 2.5 post-tag rows a post on average
                print(f"{backend:<10}  {posts:>10,}  {seconds:>8.1f}  {rows / seconds:>9,.0f}  {rss:>11.1f}", flush=True)
            print(f"{backend:<10}  peak RSS, largest / smallest run: {peaks[-1] / peaks[0]:.2f}")


if __name__ == "__main__":
    main()
