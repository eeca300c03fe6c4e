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
    "json": "5c5ced4654cec9ecd7373a955e879d840532d147f2be65554145dad3517c074c",
    "jsonl": "91dabebd06fd712adcd33c7c0253e9a50daf2e5801660f1b494b45a729844e1e",
    "yaml": "4f1b72bc110931c87c08a8c03d842d37da8dd9f2806d5fa93771edb23986915b",
    "xml": "a3e0b708f6c0e7f66df617e8bad02c50348a6f14fcb165608cd6e26bf6bb66b3",
}
# Every model of the hard test apps as a bare count: the derived strategies' bytes.
BARE_APPS = ("catalog", "accounts", "fieldtypes", "inherit", "org")
BARE = "194f048b2da8d9eda64a1368cf057522a8653429dd354aee05a9f43ff04ce511"


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
