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
    "json": "4b69597df949620fd6661584ab38baacba8498f91ddf19186877bd7061d0dbc8",
    "jsonl": "f5ddbc0fcf84aa7a6a3a8cead30e14892d6c106dac9784b2041e092ad745c0d1",
    "yaml": "c29347932885c64f57da51ab87c1a5fa699a25b254717b027afc4b7f8279a902",
    "xml": "64094542cdb74c49f6cc04ea9b7ad369a6ffd8279773d673aef43ef0b0da97db",
}
# Every model of the hard test apps as a bare count: the derived strategies' bytes.
BARE_APPS = ("catalog", "accounts", "fieldtypes", "inherit", "org")
BARE = "877f9e0e8902d3825fa75f644d83c8078a2877ca24249bdae46adfeaff147bc8"


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
