"""How each way of making the blog's posts grows from 10,000 to 1,000,000 posts: a table and bench/growth.png.

The sides of bench/baselines.py (each a process of its own, from an empty
PostgreSQL database, its rows checked before any figure is printed), plus
``seedgen export`` of the same profile to a JSONL file, at each size a side
finishes in reasonable time; the others are skipped and said so. Then the
figures a billion posts on many machines would be made from: ``seedgen export
--shard 1/1000`` of a billion-post plan alone (posts/s, bytes a post), shards
2 and 3 at once (the two processes of a 2-core machine), and this disk's
write rate.

    .venv/bin/python bench/growth.py [--sizes 10000,100000,1000000] [--rounds 1] [--no-shards] [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from baselines import LABELS, Run, check, export_fixture, run_side
from common import DATABASE_URL, fresh_database

PLOT = Path(__file__).resolve().parent / "growth.png"
# The largest size each side is run at here: one size more takes loaddata ~35 min, factory_boy ~7 min and
# model_bakery ~9 min (and ~5 GB) on this machine; bench/baselines.py --posts N --sides … runs those alone.
LIMITS = {"seedgen": 10**9, "export": 10**9, "model_bakery": 100_000, "loaddata": 100_000, "factory_boy": 10_000}
ORDER = ("seedgen", "export", "model_bakery", "loaddata", "factory_boy")
BILLION, SHARDS = 10**9, 1000  # the plan the on-paper estimate is for, cut in shards of 1,000,000 posts


def export_run(posts: int, directory: str, shard: str = "") -> tuple[Run, int]:
    """One JSONL export process (of one shard, if given): its Run and the file's size in bytes (the file is removed)."""
    target = os.path.join(directory, f"export-{posts}-{shard.replace('/', '-of-')}.jsonl")
    run = run_side("export", posts, "", target, shard)
    size = os.path.getsize(target)
    os.unlink(target)
    return run, size


def disk_write_rate(directory: str, mib: int = 2048) -> float:
    """MB/s of writing ``mib`` MiB in 1 MiB blocks and fsyncing, as ``dd … conv=fdatasync`` would."""
    block = os.urandom(1 << 20)
    path = os.path.join(directory, "disk-write-rate")
    started = time.perf_counter()
    with open(path, "wb") as out:
        for _ in range(mib):
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    seconds = time.perf_counter() - started
    os.unlink(path)
    return mib * (1 << 20) / 1e6 / seconds


def plot(seconds: dict[str, dict[int, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5), dpi=120)
    sizes = sorted({p for by_size in seconds.values() for p in by_size})
    for side in ORDER:
        points = sorted(seconds.get(side, {}).items())
        if points:
            cut = f" (run to {points[-1][0]:,})" if points[-1][0] < sizes[-1] else ""
            ax.plot([p for p, _ in points], [s for _, s in points], marker="o", label=LABELS[side] + cut)
    largest = seconds["seedgen"][sizes[-1]]
    ax.plot(sizes, [largest * p / sizes[-1] for p in sizes], color="grey", linestyle=":", label="linear (∝ posts)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("posts (with 1-4 tags each; 5 users, 5 categories, 10 tags)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Making the blog's posts: PostgreSQL 15, or a JSONL file for export")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    fig.savefig(PLOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-shards", action="store_true", help="skip the export shards of a billion-post plan")
    parser.add_argument("--url", default=DATABASE_URL)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fresh_database(args.url)
    from django.db import connections

    connections.close_all()
    print(f"the blog into PostgreSQL at {args.url} (export: a JSONL file); each side a process of its own; "
          f"{args.rounds} round(s)", flush=True)
    runs: dict[int, list[Run]] = {p: [] for p in sizes}
    file_bytes: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for posts in sizes:
                for side in ORDER:
                    if posts > LIMITS[side]:
                        continue
                    if side == "export":
                        run, file_bytes[posts] = export_run(posts, tmp)
                    else:
                        fixture = export_fixture(posts, tmp) if side == "loaddata" else ""
                        run = run_side(side, posts, args.url, fixture)
                    runs[posts].append(run)
                    print(f"  round {round_ + 1}: {LABELS[side]:<14} {posts:>9,} posts {run.seconds:8.2f} s "
                          f"{run.rss_mb:7.1f} MB", flush=True)
                for fixture in Path(tmp).glob("blog-*.json"):
                    fixture.unlink()
        shards = []
        if not args.no_shards:  # shard 1 alone, then shards 2 and 3 at once, as two processes of a machine would
            shards.append(export_run(BILLION, tmp, f"1/{SHARDS}"))
            print(f"  shard 1/{SHARDS} of {BILLION:,} posts alone: {shards[0][0].seconds:.2f} s", flush=True)
            with ThreadPoolExecutor(2) as pool:
                shards += pool.map(lambda i: export_run(BILLION, tmp, f"{i}/{SHARDS}"), (2, 3))
            print(f"  shards 2 and 3 at once: {shards[1][0].seconds:.2f} and {shards[2][0].seconds:.2f} s", flush=True)
        disk = disk_write_rate(tmp)
    problems = [p for posts in sizes for p in check(runs[posts])]
    per_shard = BILLION // SHARDS
    problems += [f"shard {i + 1}/{SHARDS} made {r.rows}, expected {per_shard:,} posts with 1-4 tags each"
                 for i, (r, _) in enumerate(shards)
                 if r.rows["posts"] != per_shard or not per_shard <= r.rows["post_tags"] <= 4 * per_shard]
    if problems:
        sys.exit("no figures: the runs did not make the rows they should\n" + "\n".join(problems))
    seconds = {side: {posts: statistics.median(r.seconds for r in runs[posts] if r.side == side)
                      for posts in sizes if posts <= LIMITS[side]} for side in ORDER}
    rss = {side: {posts: max(r.rss_mb for r in runs[posts] if r.side == side)
                  for posts in sizes if posts <= LIMITS[side]} for side in ORDER}
    print("\nrows checked at every size; seconds (median), peak RSS MB (largest) in brackets; '-' skipped (> ~10 min)")
    print(f"{'side':<14}" + "".join(f"  {p:>17,}" for p in sizes) + f"  {'last / first ×':>14}")
    for side in ORDER:
        cells = [f"{seconds[side][p]:>9.2f} ({rss[side][p]:>5.0f})" if p in seconds[side] else f"{'-':>17}" for p in sizes]
        done = sorted(seconds[side])
        growth = seconds[side][done[-1]] / seconds[side][done[0]] if len(done) > 1 else float("nan")
        print(f"{LABELS[side]:<14}" + "".join(f"  {c}" for c in cells) + f"  {growth:>13.1f}×")
    print(f"{'÷ seedgen':<14}" + "".join(
        f"  {'bakery ' + format(seconds['model_bakery'][p] / seconds['seedgen'][p], '.1f') + '×':>17}"
        if p in seconds["model_bakery"] else f"  {'':>17}" for p in sizes))
    plot(seconds)
    print(f"plot: {PLOT}")

    largest = sizes[-1]
    insert_rate = largest / seconds["seedgen"][largest]
    print(f"\nexport of {largest:,} posts: {largest / seconds['export'][largest]:,.0f} posts/s, "
          f"{file_bytes[largest] / largest:,.0f} bytes a post (JSONL)")
    if shards:
        rate = per_shard / shards[0][0].seconds
        per_post = shards[0][1] / per_shard
        machine = 2 * per_shard / max(r.seconds for r, _ in shards[1:])  # ran at once: together they took the slower's
        print(f"shard 1/{SHARDS} of {BILLION:,} posts alone: {rate:,.0f} posts/s, {per_post:,.0f} bytes a post; "
              f"two shards at once: {machine:,.0f} posts/s together")
        print(f"this disk writes {disk:,.0f} MB/s (2 GiB, fsync); two shards write {machine * per_post / 1e6:,.1f} MB/s")
        print(f"{BILLION:,} posts on 100 such machines, 2 shard processes each: {BILLION / (100 * machine) / 60:,.1f} min "
              f"({SHARDS} shards, {SHARDS // 200} a process); {BILLION * per_post / 1e9:,.0f} GB in all, "
              f"{BILLION * per_post / 100 / 1e9:,.1f} GB a machine")
    print(f"{BILLION:,} posts into one PostgreSQL at seedgen insert's {insert_rate:,.0f} posts/s: "
          f"{BILLION / insert_rate / 3600:,.1f} h")


if __name__ == "__main__":
    main()
