"""seedgen load against loaddata, side by side on PostgreSQL, on the same fixture file.

The file is profiles/blog.yaml exported with ``--count blog.Post=N`` (5 users, 5
categories, 10 tags, N posts with 1-4 tags each). Each side loads it into the
same database, emptied before each; the two databases' dumpdata must be equal
(M2M lists compared sorted: loaddata fills them in set order) before the ratio
is printed. Then, per size, seedgen load's time and peak RSS as a process of its
own, also (``--memory-sizes``) at sizes too large to wait for loaddata.

    .venv/bin/python bench/load_speed.py [--sizes 10000] [--memory-sizes 100000] [--format json] [--url …]
"""

from __future__ import annotations

import argparse
import io
import json
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
    "from seedgen.fixtures.load import load\n"
    "load([sys.argv[2]])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def dump() -> str:
    from django.apps import apps
    from django.core.management import call_command

    out = io.StringIO()
    call_command("dumpdata", "auth.user", "blog", format="jsonl", stdout=out)
    lines = []
    for line in out.getvalue().splitlines():
        obj = json.loads(line)
        for f in apps.get_model(obj["model"])._meta.many_to_many:
            obj["fields"][f.name] = sorted(obj["fields"].get(f.name, []))
        lines.append(json.dumps(obj))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--memory-sizes", default="", help="sizes to measure seedgen load alone at")
    parser.add_argument("--format", default="json", help="json, jsonl, yaml, xml, with a compression suffix if wanted")
    parser.add_argument("--url", default=DATABASE_URL)
    args = parser.parse_args()
    fresh_database(args.url)
    from django.core.management import call_command

    from seedgen import api
    from seedgen.fixtures.load import load

    print(f"PostgreSQL at {args.url}; seconds, each side from an empty database, the same {args.format} file")
    print(f"{'posts':>8}  {'objects':>8}  {'loaddata':>9}  {'seedgen load':>12}  {'ratio':>6}  {'load s':>7}  "
          f"{'RSS MB':>7}")
    sizes = [(int(s), True) for s in args.sizes.split(",") if s] + [(int(s), False) for s in args.memory_sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        for posts, compare in sizes:
            fixture = os.path.join(tmp, f"blog-{posts}.{args.format}")
            api.export(REPO / "profiles" / "blog.yaml", fixture, counts={"blog.Post": posts})
            theirs = seconds = ratio = float("nan")
            objects = 0
            if compare:
                empty()
                theirs = timed(lambda fixture=fixture: call_command("loaddata", fixture, verbosity=0))
                expected = dump()
                empty()
                report = None

                def ours(fixture: str = fixture) -> None:
                    nonlocal report
                    report = load([fixture])

                seconds = timed(ours)
                if dump() != expected:
                    sys.exit("the databases differ: seedgen load did not leave what loaddata left")
                objects, ratio = report.loaded, theirs / seconds
            empty()
            child = None

            def alone(fixture: str = fixture) -> None:
                nonlocal child
                child = subprocess.run([sys.executable, "-c", _CHILD, args.url, fixture], capture_output=True,
                                       text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})

            process = timed(alone)
            if child.returncode:
                sys.exit(child.stderr)
            rss = int(child.stdout.strip().splitlines()[-1]) / 1024
            print(f"{posts:>8,}  {objects or posts + 20:>8,}  {theirs:>9.2f}  {seconds:>12.2f}  {ratio:>5.0f}×  "
                  f"{process:>7.2f}  {rss:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
