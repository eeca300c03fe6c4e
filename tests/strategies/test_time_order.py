"""Order in time: derived moments follow the fields they come after, on every row."""

from __future__ import annotations

from seedgen import api
from seedgen.planning import build_plan
from seedgen.profile import parse_profile
from seedgen.sinks.memory import MemorySink
from tests.conftest import PROFILES


def rows(text_or_path, label: str, **kwargs) -> list[dict]:
    profile = parse_profile(text_or_path, "p.yaml") if isinstance(text_or_path, str) else text_or_path
    plan = build_plan(profile, **kwargs) if isinstance(text_or_path, str) else api.prepare(profile, **kwargs)
    sink = MemorySink()
    api.run(plan, sink)
    return sink.rows(label)


def test_updated_follows_created_and_neither_passes_now_over_10000_rows():
    made = rows("now: 2025-06-01T00:00:00Z\nmodels:\n  inherit.Place: 10000\n", "inherit.Place")
    assert all(r["created_at"] <= r["updated_at"] for r in made)
    assert max(r["updated_at"] for r in made).isoformat() <= "2025-06-01T00:00:00+00:00"
    assert len({r["updated_at"] for r in made}) > 9500


def test_the_blog_publishes_after_creating_over_10000_posts():
    made = rows(PROFILES / "blog.yaml", "blog.Post", counts={"blog.Post": 10000})
    published = [r for r in made if r["status"] == "published"]
    assert published and all(r["published_at"] >= r["created_at"] for r in published)
    assert all(r["published_at"] is None for r in made if r["status"] != "published")


def test_after_and_within_in_a_profile():
    import datetime as dt

    made = rows("models:\n  blog.Post:\n    count: 2000\n    fields:\n"
                "      published_at: {datetime: {after: created_at, within: 2h}}\n", "blog.Post")
    assert all(dt.timedelta(0) <= r["published_at"] - r["created_at"] <= dt.timedelta(hours=2) for r in made)


def test_a_relative_moment_names_its_field_and_a_span():
    import pytest

    from seedgen.errors import ProfileError

    with pytest.raises(ProfileError, match=r"p.yaml:5: .*datetime takes \{after: <field>, within: 30d\}"):
        rows("models:\n  blog.Post:\n    count: 2\n    fields:\n      published_at: {datetime: {after: created_at, within: soon}}\n",
             "blog.Post")
    with pytest.raises(ProfileError, match="refers to unknown field 'creatd_at'"):
        rows("models:\n  blog.Post:\n    count: 2\n    fields:\n      published_at: {datetime: {after: creatd_at}}\n",
             "blog.Post")


def test_moments_from_a_utc_start_are_those_adding_each_offset_would_make(monkeypatch):
    import datetime as dt

    from seedgen.strategies import time

    profile = "models:\n  blog.Post:\n    count: 3000\n    fields:\n      created_at: {datetime: ['1960-01-01', '2030-01-01']}\n"
    made = [r["created_at"] for r in rows(profile, "blog.Post")]
    assert {m.tzinfo for m in made} == {dt.UTC} and min(made).year < 1970  # before the epoch too
    zero = dt.timezone(dt.timedelta(0), "zero")  # the same moments, but not dt.UTC: each offset added in Python
    prepare = time.DateTime.prepare
    monkeypatch.setattr(time.DateTime, "prepare", lambda self: prepare(self) or setattr(
        self, "start", self.start.replace(tzinfo=zero)))
    added = [r["created_at"] for r in rows(profile, "blog.Post")]
    assert {m.tzinfo for m in added} == {zero}
    assert made == added
