"""The determinism contract: same bytes whatever the run, hash seed or chunk size; row-addressable values."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from seedgen import api
from seedgen.profile import load_profile
from seedgen.sinks.memory import MemorySink
from seedgen.strategies.rng import Permutation
from tests.conftest import PROFILES, REPO

BLOG = PROFILES / "blog.yaml"
DEMO = PROFILES / "demo.yaml"


def export_bytes(tmp_path, name="out.json", **kwargs) -> bytes:
    path = tmp_path / name
    api.export(kwargs.pop("profile", BLOG), path, **kwargs)
    return path.read_bytes()


def rows(profile=DEMO, **kwargs) -> MemorySink:
    sink = MemorySink()
    api.run(api.prepare(profile, **{k: v for k, v in kwargs.items() if k != "chunk_size"}), sink,
            chunk_size=kwargs.get("chunk_size"))
    return sink


def test_same_bytes_across_runs_and_chunk_sizes(tmp_path):
    reference = export_bytes(tmp_path, profile=DEMO)
    for size in (1, 7, 333, 100_000):
        assert export_bytes(tmp_path, f"c{size}.json", profile=DEMO, chunk_size=size) == reference


HASH_SEED_FORMATS = ("jsonl.gz", "xml")
# One process per PYTHONHASHSEED writes every format, of the demo, the shop (several locales, computed
# money, skewed many-to-many links) and a bare-count profile of the test apps (derived strategies, sets
# of unique values, closure): the bytes must not move.
_EXPORT_ALL = """
import sys
from pathlib import Path
from seedgen import api
from tests.test_golden import bare_profile
out, demo, shop = sys.argv[1], sys.argv[2], sys.argv[3]
bare = bare_profile(Path(out))
api.export(demo, f"{out}/demo.json")
api.export(shop, f"{out}/shop.jsonl", scale=0.2)
for fmt in sys.argv[4:]:
    api.export(bare, f"{out}/fixture.{fmt}")
"""


def test_same_bytes_across_python_hash_seeds(tmp_path):
    for hash_seed in ("0", "1", "12345"):
        out = tmp_path / hash_seed
        out.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO))
        subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + _EXPORT_ALL, str(out), str(DEMO),
                        str(PROFILES / "shop.yaml"), *HASH_SEED_FORMATS], check=True, env=env, cwd=REPO)
    for name in ["demo.json", "shop.jsonl", *(f"fixture.{fmt}" for fmt in HASH_SEED_FORMATS)]:
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes() \
            == (tmp_path / "12345" / name).read_bytes(), name


def test_the_seed_changes_the_data(tmp_path):
    assert export_bytes(tmp_path, "a.json", seed=1) != export_bytes(tmp_path, "b.json", seed=2)


def test_raising_a_count_keeps_the_earlier_rows():
    small = rows(counts={"blog.Post": 40}).rows("blog.post")
    large = rows(counts={"blog.Post": 90}).rows("blog.post")
    assert large[:40] == small


def test_one_models_count_does_not_change_another_models_own_values():
    def own(sink, label):
        # FK columns may point at more rows; a model's own fields must not move.
        return [{k: v for k, v in r.items() if k not in ("author", "category", "tags")} for r in sink.rows(label)]

    before = rows(counts={"auth.User": 50})
    after = rows(counts={"auth.User": 80})
    assert own(before, "blog.post") == own(after, "blog.post")
    assert own(before, "blog.tag") == own(after, "blog.tag")


def test_unique_fields_stay_unique_past_their_pool():
    sink = rows(counts={"blog.Tag": 1500})
    names = [r["name"] for r in sink.rows("blog.tag")]
    slugs = [r["slug"] for r in sink.rows("blog.tag")]
    assert len(set(names)) == len(names) == 1500
    assert len(set(slugs)) == 1500
    assert all(len(n) <= 50 for n in names)


def test_published_at_is_set_exactly_when_published(tmp_path):
    posts = [o["fields"] for o in json.loads(export_bytes(tmp_path)) if o["model"] == "blog.post"]
    assert all((p["published_at"] is not None) == (p["status"] == "published") for p in posts)
    statuses = [p["status"] for p in posts]
    assert set(statuses) == {"draft", "published"}
    assert statuses.count("published") > statuses.count("draft")


def test_m2m_picks_distinct_targets_within_count():
    for post in rows().rows("blog.post"):
        assert 1 <= len(post["tags"]) <= 4
        assert len(set(post["tags"])) == len(post["tags"]) and post["tags"] == sorted(post["tags"])


def test_permutation_is_a_bijection():
    for size in (1, 2, 3, 17, 1000, 4097):
        values = Permutation(99, size)(np.arange(size))
        assert sorted(values.tolist()) == list(range(size))


def test_profile_loading_is_pure():
    assert load_profile(BLOG) == load_profile(BLOG)
