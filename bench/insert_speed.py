"""seedgen insert against the fixtures guide's create_sample_data loop, side by side on PostgreSQL.

Both fill the same empty database (flushed before each) with the guide's
volumes: 5 categories, 10 tags, 5 users and N posts with 1-4 tags each.
seedgen runs profiles/blog.yaml with ``--count blog.Post=N``, in the same
process and through the same Django connection as the loop.

    .venv/bin/python bench/insert_speed.py [--sizes 1000,10000] [--url postgresql://…]
"""

from __future__ import annotations

import argparse

from common import DATABASE_URL, REPO, empty, fresh_database, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--url", default=DATABASE_URL)
    args = parser.parse_args()
    fresh_database(args.url)
    from classic_loop import create_sample_data

    from seedgen import api
    from seedgen.demo.blog.models import Post

    print(f"PostgreSQL at {args.url}; times in seconds, each side from an empty database")
    print(f"{'posts':>8}  {'guide loop':>10}  {'seedgen':>8}  {'ratio':>7}")
    for posts in [int(s) for s in args.sizes.split(",")]:
        empty()
        loop = timed(lambda posts=posts: create_sample_data(posts, users=5))
        assert Post.objects.count() == posts
        empty()
        ours = timed(lambda posts=posts: api.insert(REPO / "profiles" / "blog.yaml", counts={"blog.Post": posts},
                                                    database_url=args.url))
        assert Post.objects.count() == posts
        print(f"{posts:>8,}  {loop:>10.2f}  {ours:>8.2f}  {loop / ours:>6.0f}×", flush=True)


if __name__ == "__main__":
    main()
