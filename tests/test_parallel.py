"""``--jobs N``: rows made in worker processes give the same bytes, rows and report as one process."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from seedgen import api
from seedgen.cli import cli
from seedgen.scale.jobs import Workers
from seedgen.sinks import Output, fixture_sink
from tests import test_golden
from tests.conftest import PROFILES, empty_database
from tests.sinks.test_fixtures import dumpdata
from tests.test_golden import bare_profile

BLOG = PROFILES / "blog.yaml"
SHOP = PROFILES / "shop.yaml"
# Every format, compressed or not, indented as dumpdata writes or not.
OUTPUTS = [("json", None), ("json", 2), ("jsonl", None), ("yaml", None), ("xml", 2), ("json.gz", None),
           ("jsonl.bz2", None), ("yaml.xz", None), ("xml.lzma", None), ("json.zip", None)]


def exported(tmp_path, profile, name: str, **kwargs) -> bytes:
    """The bytes of an export to ``name`` in a directory of its own per ``jobs`` (a zip holds its file's name)."""
    path = tmp_path / f"jobs{kwargs.get('jobs', 1)}" / name
    api.export(profile, path, **kwargs)
    return path.read_bytes()


@pytest.mark.parametrize(("suffix", "indent"), OUTPUTS)
def test_jobs_give_the_bytes_of_one_process_in_every_format(tmp_path, suffix, indent):
    # Chunks of 7 rows: many chunks in flight at once, models ending mid-flight.
    one = exported(tmp_path, BLOG, f"blog.{suffix}", indent=indent, chunk_size=7)
    for jobs in (2, 3):
        assert exported(tmp_path, BLOG, f"blog.{suffix}", indent=indent, chunk_size=7, jobs=jobs) == one, jobs


@pytest.mark.parametrize("fmt", sorted(test_golden.BLOG))
def test_the_golden_digests_hold_with_jobs(tmp_path, fmt):
    data = exported(tmp_path, BLOG, f"blog.{fmt}", seed=42, jobs=2, chunk_size=11)
    assert hashlib.sha256(data).hexdigest() == test_golden.BLOG[fmt]


def test_the_shop_with_computed_columns_and_a_derived_count_gives_its_golden_bytes(tmp_path):
    # Computed money reads other models' rows; a model's count follows from another's.
    data = exported(tmp_path, SHOP, "shop.jsonl", jobs=3, chunk_size=50)
    assert hashlib.sha256(data).hexdigest() == test_golden.SHOP


@pytest.mark.parametrize("name", ["shop", "bare"])
@pytest.mark.parametrize(("fmt", "jobs"), [("json", 3), ("jsonl", 2), ("xml", 3), ("yaml", 2)])
def test_the_shop_and_a_bare_count_profile_give_the_same_bytes_in_every_format(tmp_path, name, fmt, jobs):
    profile, scale = (SHOP, 0.3) if name == "shop" else (bare_profile(tmp_path), 1.0)
    one = exported(tmp_path, profile, f"{name}.{fmt}", seed=42, chunk_size=5, scale=scale)
    assert exported(tmp_path, profile, f"{name}.{fmt}", seed=42, chunk_size=5, scale=scale, jobs=jobs) == one


def test_per_model_files_are_the_same_with_jobs(tmp_path):
    api.export(BLOG, per_model=tmp_path / "one", format="json", indent=2, chunk_size=9)
    report = api.export(BLOG, per_model=tmp_path / "two", format="json", indent=2, chunk_size=9, jobs=2)
    assert [p.split("/")[-1] for p in report.outputs] == sorted(p.name for p in (tmp_path / "one").iterdir())
    for path in (tmp_path / "one").iterdir():
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_report_counts_the_same_rows_and_named_objects(tmp_path):
    one = api.export(BLOG, tmp_path / "one.json", chunk_size=4)
    two = api.export(BLOG, tmp_path / "two.json", chunk_size=4, jobs=2)
    assert [(m.label, m.rows) for m in two.models] == [(m.label, m.rows) for m in one.models]
    assert two.objects == one.objects and one.objects


@pytest.mark.parametrize("name", ["shop", "bare"])
def test_spawned_workers_set_django_up_from_the_same_settings(tmp_path, name):
    # No fork: each worker starts a fresh interpreter, imports the settings, unpickles the plan and
    # builds its generators (the bare profile's to_field keys look rows of other models up).
    plan = api.prepare(SHOP, scale=0.2) if name == "shop" else api.prepare(bare_profile(tmp_path), seed=42)
    for name, jobs in (("one.xml", 1), ("spawned.xml", 2)):
        sink = fixture_sink("xml", Output(tmp_path / name), indent=2)
        if jobs == 1:
            api.run(plan, sink, chunk_size=13)
            continue
        with Workers(plan, jobs, context="spawn") as workers:
            api.run(plan, workers.rendering_into(sink), chunk_size=13, chunks=workers.chunks)
    assert (tmp_path / "spawned.xml").read_bytes() == (tmp_path / "one.xml").read_bytes()


def test_the_cli_takes_jobs(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    for path, jobs in ((one, "1"), (two, "2")):
        result = CliRunner().invoke(cli, ["export", str(BLOG), "-o", str(path), "--jobs", jobs, "-q"])
        assert result.exit_code == 0, result.output
    assert two.read_bytes() == one.read_bytes()
    result = CliRunner().invoke(cli, ["export", str(BLOG), "-o", str(two), "--jobs", "0"])
    assert result.exit_code == 2 and "--jobs" in result.output


@pytest.mark.parametrize("alias", ["sqlite_db", "pg_db"])
def test_insert_with_jobs_fills_the_database_as_one_process_does(request, alias):
    database = request.getfixturevalue(alias)
    api.insert(BLOG, database=database, chunk_size=6)
    one = dumpdata(database)
    empty_database(database)
    report = api.insert(BLOG, database=database, chunk_size=6, jobs=2)
    assert dumpdata(database) == one
    assert report.rows == sum(m.rows for m in report.models) and report.objects


def test_insert_with_jobs_appends_and_clears_like_one_process(sqlite_db):
    # Appending: pks after the rows there, named objects already there reused, not made again.
    dumps = {}
    for jobs in (1, 2):
        empty_database(sqlite_db)
        api.insert(BLOG, database=sqlite_db, chunk_size=8, jobs=jobs)
        api.insert(BLOG, database=sqlite_db, chunk_size=8, jobs=jobs)
        appended = dumpdata(sqlite_db)
        api.insert(BLOG, database=sqlite_db, chunk_size=8, jobs=jobs, clear=True)
        dumps[jobs] = appended, dumpdata(sqlite_db)
    assert dumps[2] == dumps[1]
