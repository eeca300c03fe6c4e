"""Exported fixtures load with Django's loaddata and dump back to the same bytes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from seedgen import api
from seedgen.errors import SinkError
from tests.conftest import PROFILES

BLOG = PROFILES / "blog.yaml"
LABELS = ["auth.User", "blog.Category", "blog.Tag", "blog.Post"]
FORMATS = ["json", "jsonl", "yaml", "xml"]
COMPRESSIONS = ["", ".gz", ".bz2", ".xz", ".lzma", ".zip"]


def dumpdata(alias: str, labels: list[str] = LABELS, *, format: str = "json", indent: int | None = 2) -> str:
    out = io.StringIO()
    call_command("dumpdata", *labels, format=format, indent=indent, database=alias, stdout=out)
    return out.getvalue()


def comparable(text: str, alias: str) -> str:
    """The dump as compared: PostgreSQL lists M2M ids in the physical order of
    the through table, which loaddata fills in Python set order, so there the
    ids are compared sorted. Every other byte must match."""
    if alias != "postgresql":
        return text
    objects = json.loads(text)
    for obj in objects:
        for name, value in obj["fields"].items():
            if isinstance(value, list):
                obj["fields"][name] = sorted(value)
    return json.dumps(objects, indent=2)


def test_dumpdata_after_loaddata_equals_the_export_byte_for_byte(db, tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture, indent=2)
    call_command("loaddata", str(fixture), database=db, verbosity=0)
    assert comparable(dumpdata(db), db) == comparable(fixture.read_text(), db)


# loaddata reads only json from a zip; test_zip_is_json_only covers the others.
LOADABLE = [(f, c) for f in FORMATS for c in COMPRESSIONS if c != ".zip" or f == "json"]


@pytest.mark.parametrize(("fmt", "compression"), LOADABLE)
def test_every_format_and_compression_loads_every_object(db, tmp_path, fmt, compression):
    fixture = tmp_path / f"blog.{fmt}{compression}"
    api.export(BLOG, fixture)
    call_command("loaddata", str(fixture), database=db, verbosity=0)
    reference = tmp_path / "reference.json"
    api.export(BLOG, reference, indent=2)
    assert comparable(dumpdata(db), db) == comparable(reference.read_text(), db)


@pytest.mark.parametrize("fmt", ["jsonl", "yaml", "xml"])
def test_zip_is_json_only(tmp_path, fmt):
    with pytest.raises(SinkError, match="only as json"):
        api.export(BLOG, tmp_path / f"blog.{fmt}.zip")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_unindented_output_matches_django(sqlite_db, tmp_path, fmt):
    fixture = tmp_path / f"blog.{fmt}"
    api.export(BLOG, fixture)
    call_command("loaddata", str(fixture), database=sqlite_db, verbosity=0)
    assert dumpdata(sqlite_db, format=fmt, indent=None) == fixture.read_text()


def test_auto_now_add_and_m2m_are_written_explicitly(tmp_path):
    fixture = tmp_path / "blog.json"
    api.export(BLOG, fixture)
    posts = [o for o in json.loads(fixture.read_text()) if o["model"] == "blog.post"]
    assert len(posts) == 50
    assert all(p["fields"]["created_at"].endswith("Z") for p in posts)
    assert all(1 <= len(p["fields"]["tags"]) <= 4 for p in posts)


def test_per_model_writes_one_loadable_file_per_model_in_dependency_order(sqlite_db, tmp_path):
    report = api.export(BLOG, per_model=tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["01_auth_user.json", "02_blog_category.json", "03_blog_tag.json", "04_blog_post.json"]
    assert sorted(report.outputs) == sorted(str(tmp_path / n) for n in names)
    call_command("loaddata", *[str(tmp_path / n) for n in names], database=sqlite_db, verbosity=0)
    reference = tmp_path / "reference.json"
    api.export(BLOG, reference, indent=2)
    assert dumpdata(sqlite_db) == reference.read_text()


def test_a_failed_export_leaves_no_file_behind(tmp_path, monkeypatch):
    from seedgen.sinks.json import JsonSink

    def explode(self, chunk):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(JsonSink, "render", explode)
    target = tmp_path / "blog.json.gz"
    with pytest.raises(RuntimeError):
        api.export(BLOG, target)
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_export_leaves_no_file_and_says_so(tmp_path, monkeypatch):
    from seedgen.errors import Interrupted
    from seedgen.sinks.json import JsonSink

    def interrupt(self, chunk):
        raise KeyboardInterrupt

    monkeypatch.setattr(JsonSink, "render", interrupt)
    with pytest.raises(Interrupted, match="nothing was written"):
        api.export(BLOG, tmp_path / "blog.json")
    assert list(tmp_path.iterdir()) == []


def test_an_export_into_a_missing_directory_makes_it(tmp_path):
    api.export(BLOG, tmp_path / "new" / "dir" / "blog.json")
    assert (tmp_path / "new" / "dir" / "blog.json").exists()


def test_a_failed_export_takes_back_the_directories_it_made(tmp_path, monkeypatch):
    from seedgen.sinks.json import JsonSink

    def fail(self, chunk):
        raise SinkError("simulated")

    monkeypatch.setattr(JsonSink, "render", fail)
    with pytest.raises(SinkError, match="simulated"):
        api.export(BLOG, tmp_path / "new" / "dir" / "blog.json")
    assert list(tmp_path.iterdir()) == []


def test_a_suffix_that_contradicts_the_format_is_refused(tmp_path):
    with pytest.raises(SinkError, match="the name says json and --format says yaml"):
        api.export(BLOG, tmp_path / "out.json", format="yaml")
    assert list(tmp_path.iterdir()) == []


def test_standard_output_without_a_format_is_json_lines(capfdbinary):
    api.export(BLOG, "-")
    lines = capfdbinary.readouterr().out.decode().splitlines()
    assert len(lines) == 70 and all(json.loads(line)["model"] for line in lines)
