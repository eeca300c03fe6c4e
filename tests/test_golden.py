"""Golden digests: the bytes a profile gives at a seed are fixed. A change to them is made on purpose,
with a line in CHANGELOG.md, and the digests here updated in the same commit."""

from __future__ import annotations

import hashlib
import re

import pytest

from seedgen import api
from tests.conftest import PROFILES
from tests.sinks.test_fixtures import FORMATS

BLOG = {
    "json": "8e0f16ea16e2c2c5b0068cf7005175d6cb488179f677a5eca5e3dabfecca41ec",
    "jsonl": "e0b8e6c1f0852d9da416ff399923eb04c81a7f13b6556425cfa859b4972611c4",
    "yaml": "2ded8abdb9b09edb5b03f9f5c464ced2fa17441fcba2051af8999423cf468bf8",
    "xml": "0de60aba9b34f99d2a4ddd413f5dc2a55521f02a7b5b83288bdb67932cefa6ae",
}
# Every model of the hard test apps as a bare count: the derived strategies' bytes.
BARE_APPS = ("catalog", "accounts", "fieldtypes", "inherit", "org")
BARE = "11e7974b6a9a55623909a97039323f0adccbc874ac9ccff7765a39aa6fda06e0"
# The demo shop: several locales, skewed references, computed money.
SHOP = "041d6159fc8c920c9a56cff0f19de378bf0832a2c43d3431065d52815c31bbf4"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stable_digest(path) -> str:
    """The digest without what depends on the checkout: a FilePathField holds absolute paths of files
    the suite itself has (tests/test_*.py), which differ by where the repo is and grow with the suite."""
    text = re.sub(r'("file_path(?:_null)?": )"[^"]*"', r'\1"<file>"', path.read_text())
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_blog_profile_at_seed_42(tmp_path, fmt):
    fixture = tmp_path / f"blog.{fmt}"
    api.export(PROFILES / "blog.yaml", fixture, seed=42)
    assert digest(fixture) == BLOG[fmt]


def bare_profile(directory) -> str:
    """A profile of every model of the hard test apps, 12 rows each; its path."""
    from django.apps import apps

    models = [m for app in BARE_APPS for m in apps.get_app_config(app).get_models() if not m._meta.proxy]
    profile = directory / "bare.yaml"
    profile.write_text("models:\n" + "".join(f"  {m._meta.label}: 12\n" for m in models))
    return str(profile)


def test_a_bare_count_profile_of_the_test_apps(tmp_path):
    profile = bare_profile(tmp_path)
    fixture = tmp_path / "bare.jsonl"
    api.export(profile, fixture, seed=42)
    assert stable_digest(fixture) == BARE


def test_the_shop_profile(tmp_path):
    fixture = tmp_path / "shop.jsonl"
    api.export(PROFILES / "shop.yaml", fixture)
    assert digest(fixture) == SHOP
