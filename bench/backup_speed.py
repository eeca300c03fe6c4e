"""seedgen backup against dumpdata, side by side on PostgreSQL, on the same database.

The database holds profiles/blog.yaml inserted with ``--count blog.Post=N``.
dumpdata runs as ``dumpdata --all --natural-foreign --format jsonl`` without
content types and permissions (what the backup leaves out by default) into a
file; seedgen backup writes an uncompressed .jsonl; the two files must be
byte for byte equal before the ratio is printed. Then seedgen backup's peak RSS
as a process of its own, at each size and (``--memory-sizes``) at sizes too
large to wait for dumpdata.

    .venv/bin/python bench/backup_speed.py [--sizes 10000,100000] [--memory-sizes 1000000] [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

from common import DATABASE_URL, REPO, empty, fresh_database, timed

_CHILD = (
    "import resource, sys\n"
    "from seedgen.environment import DEMO_SETTINGS, setup_django, use_database_url\n"
    "setup_django(DEMO_SETTINGS)\n"
    "use_database_url(sys.argv[1])\n"
    "from seedgen.fixtures.backup import backup\n"
    "backup(sys.argv[2])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def backup_process(url: str, output: str) -> tuple[float, float]:
    """(seconds, peak RSS MB) of a backup in a process of its own."""
    done = None

    def run() -> None:
        nonlocal done
        done = subprocess.run([sys.executable, "-c", _CHILD, url, output], capture_output=True, text=True, cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)})

    seconds = timed(run)
    if done.returncode:
        sys.exit(done.stderr)
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--memory-sizes", default="", help="sizes to measure seedgen backup alone at")
    parser.add_argument("--url", default=DATABASE_URL)
    args = parser.parse_args()
    fresh_database(args.url)
    from django.core.management import call_command

    from seedgen import api
    from seedgen.fixtures.backup import backup

    print(f"PostgreSQL at {args.url}; seconds; the same database on both sides")
    print(f"{'posts':>9}  {'lines':>9}  {'dumpdata':>9}  {'seedgen backup':>14}  {'ratio':>6}  {'backup s':>8}  "
          f"{'RSS MB':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [(int(s), True) for s in args.sizes.split(",") if s]
        sizes += [(int(s), False) for s in args.memory_sizes.split(",") if s]
        for posts, compare in sizes:
            empty()
            api.insert(REPO / "profiles" / "blog.yaml", counts={"blog.Post": posts}, database_url=args.url)
            ours_file, theirs_file = os.path.join(tmp, "ours.jsonl"), os.path.join(tmp, "theirs.jsonl")
            theirs = ours = ratio = float("nan")
            lines = 0
            if compare:
                theirs = timed(lambda path=theirs_file: call_command(
                    "dumpdata", format="jsonl", all=True, natural_foreign=True,
                    exclude=["contenttypes", "auth.Permission"], output=path, verbosity=0))
                manifest = None

                def ours_run(path: str = ours_file) -> None:
                    nonlocal manifest
                    manifest = backup(path)

                ours = timed(ours_run)
                if not filecmp.cmp(ours_file, theirs_file, shallow=False):
                    sys.exit("the files differ: seedgen backup did not write what dumpdata wrote")
                lines, ratio = manifest.rows, theirs / ours
            seconds, rss = backup_process(args.url, ours_file)
            if not compare:
                with open(ours_file, "rb") as file:
                    lines = sum(1 for _ in file)
            print(f"{posts:>9,}  {lines:>9,}  {theirs:>9.2f}  {ours:>14.2f}  {ratio:>5.0f}×  {seconds:>8.2f}  {rss:>7.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
