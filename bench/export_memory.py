"""Peak memory and speed of `seedgen export` as the post count grows.

Streaming means the peak RSS depends on the chunk size, not on the row count:
the figures at 10,000 and 1,000,000 posts should be about the same. Each size
runs in its own process; RSS is the child's ru_maxrss.

    .venv/bin/python bench/export_memory.py [--sizes 10000,100000,1000000]
"""

from __future__ import annotations

import argparse
import os
import tempfile

from common import REPO, seedgen_process

LARGE = REPO / "profiles" / "large.yaml"


def measure(posts: int, fmt: str, directory: str) -> tuple[float, float, int]:
    target = os.path.join(directory, f"large-{posts}.{fmt}")
    seconds, rss_mb = seedgen_process("export", str(LARGE), "-o", target, "--count", f"blog.Post={posts}", "-q")
    size = os.path.getsize(target)
    os.unlink(target)
    return seconds, rss_mb, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--format", default="json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"seedgen export profiles/large.yaml, format {args.format}, peak RSS per process")
    print(f"{'posts':>10}  {'seconds':>8}  {'rows/s':>10}  {'peak RSS MB':>11}  {'file MB':>8}")
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for posts in sizes:
            seconds, rss, size = measure(posts, args.format, directory)
            rows = posts + 11100
            results.append(rss)
            print(f"{posts:>10,}  {seconds:>8.1f}  {rows / seconds:>10,.0f}  {rss:>11.1f}  {size / 1e6:>8.1f}")
    print(f"peak RSS ratio, largest / smallest run: {results[-1] / results[0]:.2f}")


if __name__ == "__main__":
    main()
