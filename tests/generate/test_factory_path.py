"""A profile may hand a model to a factory_boy factory: slower, but just as deterministic."""

from __future__ import annotations

from seedgen import api
from seedgen.profile import parse_profile
from seedgen.sinks.memory import MemorySink

PROFILE = """
seed: 3
models:
  auth.User: 3
  blog.Category: 2
  blog.Tag: 5
  blog.Post:
    count: 12
    factory: factories.blog.PostFactory
    fields:
      slug: {slugify: title, unique: true}
      tags: {ref: blog.Tag, count: [1, 2]}
"""


def posts(chunk_size: int, seed: int | None = None) -> list[dict]:
    sink = MemorySink()
    api.run(api.prepare(parse_profile(PROFILE, "f.yaml"), seed=seed), sink, chunk_size=chunk_size)
    return sink.rows("blog.post")


def test_factory_values_fill_the_unnamed_fields():
    rows = posts(100)
    assert len(rows) == 12
    assert all(r["status"] in ("draft", "published") for r in rows)
    assert all(0 <= r["view_count"] <= 1000 for r in rows)
    assert all(r["author"] in (1, 2, 3) and r["category"] in (1, 2) for r in rows)
    assert len({r["slug"] for r in rows}) == 12


def test_factory_rows_repeat_across_runs_and_chunk_sizes_and_follow_the_seed():
    assert posts(100) == posts(1) == posts(5)
    assert posts(100, seed=4) != posts(100)
