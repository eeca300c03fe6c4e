"""Profiles: every mistake is one line naming file, line and key."""

from __future__ import annotations

import datetime as dt

import pytest

from seedgen.errors import ProfileError
from seedgen.profile import load_profile, parse_profile


def error_of(text: str) -> str:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "p.yaml")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_full_profile_parses_into_plain_data():
    profile = parse_profile(
        "seed: 7\nnow: 2024-05-01\nlocale: de_DE\nmodels:\n"
        "  blog.Tag: 3\n"
        "  blog.Post:\n    count: 4\n    fields:\n      status: {choice: {draft: 1, published: 3}, null: 0.1}\n"
        "      title: [a, b]\n      color: '#fff'\n",
        "p.yaml",
    )
    assert profile.seed == 7 and profile.locale == "de_DE"
    assert profile.now == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    tag, post = profile.models
    assert (tag.label, tag.count) == ("blog.Tag", 3)
    status, title, color = post.fields
    assert (status.strategy, status.arg, status.null, status.line) == ("choice", {"draft": 1, "published": 3}, 0.1, 9)
    assert (title.strategy, title.arg) == ("choice", ["a", "b"])
    assert (color.strategy, color.arg) == ("constant", "#fff")


def test_malformed_yaml_names_the_line():
    assert error_of("models:\n  blog.Tag: [1,\n") .startswith("p.yaml:3: malformed YAML")


def test_unknown_top_level_key_is_suggested():
    assert error_of("sed: 1\nmodels: {}\n") == "p.yaml:1: profile: unknown key 'sed' (did you mean 'seed'?)"


def test_unknown_strategy_is_suggested():
    text = "models:\n  blog.Post:\n    count: 2\n    fields:\n      status: {chioce: [a, b]}\n"
    assert error_of(text) == "p.yaml:5: blog.Post.fields.status: unknown strategy 'chioce' (did you mean 'choice'?)"


@pytest.mark.parametrize(("count", "problem"), [("-3", "must not be negative"), ("many", "whole number"),
                                                  ("2.5", "whole number")])
def test_bad_counts(count, problem):
    assert problem in error_of(f"models:\n  blog.Tag: {count}\n")
    assert error_of(f"models:\n  blog.Tag: {count}\n").startswith("p.yaml:2: blog.Tag")


def test_unknown_option_of_a_strategy():
    text = "models:\n  blog.Post:\n    fields:\n      view_count: {int: [0, 9], distrib: zipf}\n"
    assert "unknown option 'distrib' (did you mean 'distribution'?)" in error_of(text)


@pytest.mark.parametrize(("spec", "problem"), [
    ("{int: [9, 0]}", "low <= high"),
    ("{datetime: ['-1y', 'yesterday']}", "is not a date"),
    ("{choice: []}", "non-empty list"),
    ("{faker: name, null: 2}", "probability"),
    ("{ref: User}", "model label"),
])
def test_bad_strategy_arguments(spec, problem):
    assert problem in error_of(f"models:\n  blog.Post:\n    fields:\n      x: {spec}\n")


def test_count_below_the_named_objects():
    text = "models:\n  blog.Tag:\n    count: 1\n    objects:\n      a: {name: A}\n      b: {name: B}\n"
    assert "less than the 2 named objects" in error_of(text)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ProfileError, match="no such profile file"):
        load_profile(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text", [
    "models:\n  blog.Tag: !!python/object:os.system {}\n",
    "models:\n  blog.Tag: !!python/name:os.system\n",
    "models:\n  blog.Tag: !custom 3\n",
    "models: !!set {blog.Tag}\n",
])
def test_a_yaml_tag_that_is_not_plain_data_is_refused_with_its_line(text):
    with pytest.raises(ProfileError, match=r"p.yaml:\d: the YAML tag .* is not allowed: a profile is plain data"):
        parse_profile(text, "p.yaml")
