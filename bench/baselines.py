"""seedgen insert side by side with the ways people fill a blog today, on PostgreSQL, in one run.

Every side makes the blog's volumes (5 users, 5 categories, 10 tags, N posts
with 1-4 tags each) in a process of its own, from a flushed database: the
fixtures guide's ``create_sample_data`` loop, factory_boy ``create_batch`` of
the demo's factories, model_bakery ``baker.make(_quantity=N,
_bulk_create=True)`` (the post-tag rows as a second bulk ``make`` of the
through model), ``loaddata`` of ``seedgen export profiles/blog.yaml`` (the file
made before timing) and ``seedgen insert profiles/blog.yaml``. Seconds are the
side's own work, Django set up and the database emptied before the clock
starts; peak RSS is the child's ``ru_maxrss``. Rounds rotate the order; the
table gives medians. Before any ratio is printed every side must have made
the expected rows per model, and loaddata and seedgen insert, which make the
same data, the same checksum of a dumpdata sample (the first 1,000 posts with
their tags, and the users, categories and tags).

    .venv/bin/python bench/baselines.py [--posts 10000] [--rounds 3] [--with-classic [--classic-posts N]]
        [--sides factory_boy,model_bakery,loaddata,seedgen] [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import cycle

from common import DATABASE_URL, REPO, empty, fresh_database

BLOG = REPO / "profiles" / "blog.yaml"
SIDES = ("classic", "factory_boy", "model_bakery", "loaddata", "seedgen", "export")
LABELS = {"classic": "guide loop", "factory_boy": "factory_boy", "model_bakery": "model_bakery",
          "loaddata": "loaddata", "seedgen": "seedgen insert", "export": "seedgen export"}
SAME_DATA = ("loaddata", "seedgen")  # these two must leave equal rows, not just equal counts
SAMPLE = 1000
TARGETS = {"classic": 200, "factory_boy": 50}  # the issue's: seedgen insert this many times faster
USERS, CATEGORIES, TAGS = 5, 5, 10


@dataclass(frozen=True)
class Run:
    """What one side did in its process: seconds of work, peak RSS, rows per table, sample checksum."""

    side: str
    posts: int
    seconds: float
    rss_mb: float
    rows: dict[str, int]
    checksum: str


def make_classic(posts: int) -> None:
    from classic_loop import create_sample_data

    create_sample_data(posts, users=USERS)


def make_factory_boy(posts: int) -> None:
    import factory
    import factory.random

    from factories.blog import CategoryFactory, PostFactory, TagFactory, UserFactory, seed

    seed(0)
    users = UserFactory.create_batch(USERS)
    categories = CategoryFactory.create_batch(CATEGORIES)
    tags = TagFactory.create_batch(TAGS)

    class BlogPostFactory(PostFactory):
        """The demo's PostFactory drawing on the blog's few users, categories and tags, as a test suite would."""

        author = factory.Iterator(users)
        category = factory.Iterator(categories)

        @factory.post_generation
        def tags(self, create: bool, extracted, **kwargs) -> None:
            self.tags.set(factory.random.randgen.sample(tags, factory.random.randgen.randint(1, 4)))

    BlogPostFactory.create_batch(posts)


def make_model_bakery(posts: int) -> None:
    from django.contrib.auth.models import User
    from model_bakery import baker

    from seedgen.demo.blog.models import Category, Post, Tag

    rng = random.Random(0)
    users = baker.make(User, _quantity=USERS, _bulk_create=True)
    categories = baker.make(Category, _quantity=CATEGORIES, _bulk_create=True)
    tags = baker.make(Tag, _quantity=TAGS, _bulk_create=True)
    made = baker.make(Post, _quantity=posts, _bulk_create=True, author=cycle(users), category=cycle(categories))
    # make_m2m would make new tags per post; the blog's posts share its ten.
    pairs = [(post, tag) for post in made for tag in rng.sample(tags, rng.randint(1, 4))]
    baker.make(Post.tags.through, _quantity=len(pairs), _bulk_create=True,
               post=iter([p for p, _ in pairs]), tag=iter([t for _, t in pairs]))


def make_loaddata(posts: int, fixture: str) -> None:
    from django.core.management import call_command

    call_command("loaddata", fixture, verbosity=0)


def make_seedgen(posts: int, url: str) -> None:
    from seedgen import api

    api.insert(BLOG, counts={"blog.Post": posts}, database_url=url)


def make_export(posts: int, target: str, shard: str = "") -> None:
    from seedgen import api

    if shard:  # the I-th of N row ranges of every model of the plan of ``posts`` posts
        index, count = shard.split("/")
        api.export(BLOG, target, counts={"blog.Post": posts}, shard=(int(index), int(count)))
    else:
        api.export(BLOG, target, counts={"blog.Post": posts})


def table_rows() -> dict[str, int]:
    from django.contrib.auth.models import User

    from seedgen.demo.blog.models import Category, Post, Tag

    return {"users": User.objects.count(), "categories": Category.objects.count(), "tags": Tag.objects.count(),
            "posts": Post.objects.count(), "post_tags": Post.tags.through.objects.count()}


def sample_checksum() -> str:
    """sha256 of the sample as dumpdata would write it, many-to-many lists sorted (loaddata sets them in set order)."""
    from django.contrib.auth.models import User
    from django.core import serializers

    from seedgen.demo.blog.models import Category, Post, Tag

    objects = []
    for model in (User, Category, Tag, Post):
        for obj in serializers.serialize("python", model.objects.order_by("pk")[:SAMPLE]):
            for name in [f.name for f in model._meta.many_to_many]:
                obj["fields"][name] = sorted(obj["fields"][name])
            objects.append(obj)
    return hashlib.sha256(json.dumps(objects, sort_keys=True, default=str).encode()).hexdigest()


def file_rows(path: str) -> dict[str, int]:
    """Objects per model of a JSON or JSONL fixture, the post-tag rows counted from the posts' lists."""
    names = {"auth.user": "users", "blog.category": "categories", "blog.tag": "tags", "blog.post": "posts"}
    rows = dict.fromkeys([*names.values(), "post_tags"], 0)
    with open(path, encoding="utf-8") as file:
        objects = (json.loads(line) for line in file) if path.endswith(".jsonl") else iter(json.load(file))
        for obj in objects:
            rows[names[obj["model"]]] += 1
            rows["post_tags"] += len(obj["fields"].get("tags", ()))
    return rows


def child(side: str, posts: int, url: str, path: str, shard: str = "") -> None:
    """Run one side in this process and print its Run as the last line of stdout."""
    from seedgen.environment import DEMO_SETTINGS, setup_django, use_database_url

    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    setup_django(DEMO_SETTINGS)
    if side != "export":  # an export writes a file and leaves the database alone
        use_database_url(url)
        from django.db import connection

        empty()
        connection.ensure_connection()
    work = {"classic": lambda: make_classic(posts), "factory_boy": lambda: make_factory_boy(posts),
            "model_bakery": lambda: make_model_bakery(posts), "loaddata": lambda: make_loaddata(posts, path),
            "seedgen": lambda: make_seedgen(posts, url), "export": lambda: make_export(posts, path, shard)}[side]
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if side == "export":
        rows, checksum = file_rows(path), ""
    else:
        rows, checksum = table_rows(), sample_checksum()
    print(json.dumps({"side": side, "posts": posts, "seconds": seconds, "rss_mb": rss_mb, "rows": rows,
                      "checksum": checksum}))


def run_side(side: str, posts: int, url: str, path: str = "", shard: str = "") -> Run:
    """One side as a process of its own (its rows are left in the database)."""
    done = subprocess.run([sys.executable, __file__, "--child", side, "--posts", str(posts), "--url", url,
                           "--path", path, "--shard", shard], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    if done.returncode:
        sys.exit(f"{side} at {posts:,} posts failed:\n{done.stderr}")
    return Run(**json.loads(done.stdout.strip().splitlines()[-1]))


def export_fixture(posts: int, directory: str, fmt: str = "json") -> str:
    """seedgen's export of the blog at ``posts`` posts, for loaddata (made untimed, in a process of its own)."""
    target = os.path.join(directory, f"blog-{posts}.{fmt}")
    if not os.path.exists(target):
        run_side("export", posts, "", target)
    return target


def check(runs: list[Run]) -> list[str]:
    """What is wrong with the runs of one size, as sentences; empty if the ratios may be printed."""
    problems = []
    for r in runs:
        expected = {"users": USERS, "categories": CATEGORIES, "tags": TAGS, "posts": r.posts}
        wrong = {k: r.rows[k] for k, v in expected.items() if r.rows[k] != v}
        if wrong or not r.posts <= r.rows["post_tags"] <= 4 * r.posts:
            problems.append(f"{LABELS[r.side]} at {r.posts:,} posts made {r.rows}, expected {expected} "
                            f"and {r.posts:,}-{4 * r.posts:,} post tags")
    same = {(r.rows["post_tags"], r.checksum) for r in runs if r.side in SAME_DATA}
    if len(same) > 1:
        problems.append(f"loaddata and seedgen insert left different rows (post tags, sample sha256): {sorted(same)}")
    tags = {r.rows["post_tags"] for r in runs if r.side in (*SAME_DATA, "export")}
    if len(tags) > 1:
        problems.append(f"seedgen's export and insert made different numbers of post tags: {sorted(tags)}")
    return problems


def median(runs: list[Run], side: str, attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs if r.side == side)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sides", default="factory_boy,model_bakery,loaddata,seedgen")
    parser.add_argument("--with-classic", action="store_true", help="run the guide's loop too, once (quadratic: ~5 min at 10,000)")
    parser.add_argument("--classic-posts", type=int, help="size for the guide's loop (default --posts); seedgen runs once after it")
    parser.add_argument("--url", default=DATABASE_URL)
    parser.add_argument("--child", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    parser.add_argument("--shard", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.posts, args.url, args.path, args.shard)
    fresh_database(args.url)
    from django.db import connections

    connections.close_all()  # the children flush it; an idle connection of ours would only hold locks
    sides = args.sides.split(",")
    if "seedgen" not in sides or not set(sides) <= set(SIDES) - {"classic", "export"}:
        parser.error(f"--sides: seedgen and any of factory_boy, model_bakery, loaddata, not {args.sides!r}")
    print(f"the blog with {args.posts:,} posts into PostgreSQL at {args.url}; each side a process of its own "
          f"from an empty database; {args.rounds} rounds, rotated", flush=True)
    runs: list[Run] = []
    classic: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        fixture = export_fixture(args.posts, tmp) if "loaddata" in sides else ""
        for round_ in range(args.rounds):
            order = sides[round_ % len(sides):] + sides[:round_ % len(sides)]
            for side in order:
                run = run_side(side, args.posts, args.url, fixture if side == "loaddata" else "")
                runs.append(run)
                print(f"  round {round_ + 1}: {LABELS[side]:<14} {run.seconds:8.2f} s  {run.rss_mb:6.1f} MB", flush=True)
        if args.with_classic:
            size = args.classic_posts or args.posts
            classic.append(run_side("classic", size, args.url))
            print(f"  once: {LABELS['classic']} at {size:,} posts {classic[0].seconds:.2f} s", flush=True)
            classic.append(run_side("seedgen", size, args.url))
    problems = check(runs) + check(classic)
    if problems:
        sys.exit("no ratios: the runs did not make the same rows\n" + "\n".join(problems))
    same = sorted({r.checksum[:12] for r in runs if r.side in SAME_DATA})
    print(f"\nrows checked: every side made {USERS} users, {CATEGORIES} categories, {TAGS} tags and the posts"
          + (f"; loaddata and seedgen insert the same rows (sample sha256 {same[0]})" if "loaddata" in sides else ""))
    per_round = [{r.side: r for r in runs[i:i + len(sides)]} for i in range(0, len(runs), len(sides))]
    targets = {**TARGETS, "model_bakery": 15 if args.posts >= 100_000 else 10}
    print("seconds and peak RSS: medians; ÷ seedgen: the median of each round's ratio to that round's seedgen insert")
    print(f"{'side':<14}  {'posts':>9}  {'seconds':>8}  {'post tags':>9}  {'peak RSS MB':>11}  {'÷ seedgen':>9}  target")

    def line(side: str, posts: int, seconds: float, tags: int, rss: float, ratio: float) -> None:
        target = targets.get(side)
        verdict = f"≥ {target}×: {'met' if ratio >= target else 'MISSED'}" if target else ""
        print(f"{LABELS[side]:<14}  {posts:>9,}  {seconds:>8.2f}  {tags:>9,}  {rss:>11.1f}  {ratio:>8.1f}×  {verdict}")

    if classic:  # run once, then seedgen once at its size, for a ratio of adjacent runs
        loop, ours = classic
        line("classic", loop.posts, loop.seconds, loop.rows["post_tags"], loop.rss_mb, loop.seconds / ours.seconds)
        line("seedgen", ours.posts, ours.seconds, ours.rows["post_tags"], ours.rss_mb, 1.0)
    for side in sides:
        ratios = [by[side].seconds / by["seedgen"].seconds for by in per_round]
        line(side, args.posts, median(runs, side, "seconds"), next(r.rows["post_tags"] for r in runs if r.side == side),
             median(runs, side, "rss_mb"), statistics.median(ratios))
    print("each round's ratios: " + "; ".join(
        f"{LABELS[side]} " + ", ".join(f"{by[side].seconds / by['seedgen'].seconds:.1f}" for by in per_round)
        for side in sides if side != "seedgen"))

if __name__ == "__main__":
    main()
