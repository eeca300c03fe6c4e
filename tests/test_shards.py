"""``--shard I/N``: N deterministic row ranges of every model that together are the unsharded export."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.core.management import call_command

from seedgen import api
from seedgen.cli import cli
from seedgen.errors import PlanError, SinkError
from seedgen.scale.shards import parse_shard, shard_rows
from seedgen.sinks import Output, fixture_sink
from tests.conftest import PROFILES, empty_database
from tests.sinks.test_fixtures import dumpdata
from tests.test_golden import bare_profile

BLOG = PROFILES / "blog.yaml"
SHOP = PROFILES / "shop.yaml"
# Rows a fixture writes without a pk (loaddata makes them by natural key), beside a multi-table tree.
NATURAL = "models:\n  contenttypes.ContentType: 5\n  auth.Permission: 7\n  inherit.Place: 9\n  inherit.Restaurant: 4\n"


def profiles(tmp_path) -> dict[str, str]:
    natural = tmp_path / "natural.yaml"
    natural.write_text(NATURAL)
    return {"blog": str(BLOG), "shop": str(SHOP), "bare": bare_profile(tmp_path), "natural": str(natural)}


def shard_files(tmp_path, profile: str, count: int, suffix: str = "jsonl", **kwargs) -> list:
    paths = [tmp_path / f"shard{i}.{suffix}" for i in range(1, count + 1)]
    for i, path in enumerate(paths, start=1):
        api.export(profile, path, shard=(i, count), **kwargs)
    return paths


def planned_shards(tmp_path, profile: str, count: int, **kwargs) -> list:
    """The JSON Lines shards of one plan, made through ``run`` (the plan is built once)."""
    plan = api.prepare(profile, **kwargs)
    paths = [tmp_path / f"shard{i}.jsonl" for i in range(1, count + 1)]
    for i, path in enumerate(paths, start=1):
        api.run(plan, fixture_sink("jsonl", Output(path)), chunk_size=4, rows=shard_rows(plan, i, count))
    return paths


def sorted_lines(*paths) -> list[str]:
    """JSON Lines of all files, sorted by model and pk (natural-key rows, without a pk, keep their order)."""
    lines = [line for path in paths for line in path.read_text().splitlines()]
    return sorted(lines, key=lambda line: (json.loads(line)["model"], json.loads(line).get("pk", 0)))


@pytest.mark.parametrize("name", ["blog", "shop", "bare", "natural"])
@pytest.mark.parametrize("count", [1, 3, 8])
def test_the_shards_hold_exactly_the_objects_of_the_unsharded_export(tmp_path, name, count):
    profile = profiles(tmp_path)[name]
    whole = tmp_path / "whole.jsonl"
    api.export(profile, whole, seed=42)
    shards = planned_shards(tmp_path, profile, count, seed=42)
    assert sorted_lines(*shards) == sorted_lines(whole)
    if count > 1:
        assert all(path.read_text() != whole.read_text() for path in shards)


def test_every_row_is_in_one_shard_and_a_child_stays_beside_its_parent_rows(tmp_path):
    plan = api.prepare(profiles(tmp_path)["natural"])
    place, restaurant = plan.model("inherit.Place"), plan.model("inherit.Restaurant")
    assert restaurant.parent == "inherit.place" and place.count == 13
    shards = [shard_rows(plan, i, 4) for i in range(1, 5)]
    for model in plan.models:
        rows = [row for shard in shards for row in shard[model.label]]
        assert rows == list(range(model.count)), model.label
    for shard in shards:  # restaurant row r is place row offset + r: in the same shard
        parent_rows = set(shard["inherit.place"])
        assert all(restaurant.offset + r in parent_rows for r in shard["inherit.restaurant"])


@pytest.mark.parametrize("name", ["blog", "natural", "bare"])
def test_loading_all_shards_in_one_loaddata_gives_the_database_of_the_unsharded_file(sqlite_db, tmp_path, name):
    profile = profiles(tmp_path)[name]
    labels = sorted({m.model._meta.app_label for m in api.prepare(profile).models} | {"contenttypes", "auth"})
    whole = tmp_path / "whole.json"
    api.export(profile, whole)
    call_command("loaddata", str(whole), database=sqlite_db, verbosity=0)
    expected = dumpdata(sqlite_db, labels)
    empty_database(sqlite_db)
    shards = shard_files(tmp_path, profile, 3, "json")
    call_command("loaddata", *map(str, shards), database=sqlite_db, verbosity=0)
    assert dumpdata(sqlite_db, labels) == expected


@pytest.mark.parametrize("suffix", ["json", "xml.gz", "yaml"])
def test_a_shard_is_the_same_bytes_with_jobs(tmp_path, suffix):
    one = shard_files(tmp_path / "one", str(SHOP), 3, suffix, chunk_size=9)
    two = shard_files(tmp_path / "two", str(SHOP), 3, suffix, chunk_size=9, jobs=2)
    assert [p.read_bytes() for p in two] == [p.read_bytes() for p in one]


def test_the_cli_writes_a_shard(tmp_path):
    expected = shard_files(tmp_path, str(BLOG), 4)[1]
    out = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(cli, ["export", str(BLOG), "--shard", "2/4", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected.read_bytes()


def test_the_management_command_writes_a_shard_with_jobs(tmp_path):
    expected = shard_files(tmp_path, str(BLOG), 3)[2]
    call_command("export_fixture", str(BLOG), "--shard=3/3", "--jobs=2", output=str(tmp_path / "cmd.jsonl"))
    assert (tmp_path / "cmd.jsonl").read_bytes() == expected.read_bytes()


@pytest.mark.parametrize(("value", "message"), [
    ("2", "'2' is not I/N, e.g. 2/4 for the second of four shards"),
    ("a/b", "'a/b' is not I/N"),
    ("0/3", "shard 0/3: I must be from 1 to N"),
    ("4/3", "shard 4/3: I must be from 1 to N"),
])
def test_a_shard_that_is_not_one_is_a_one_line_error(tmp_path, value, message):
    with pytest.raises(PlanError, match=message):
        parse_shard(value)
    result = CliRunner().invoke(cli, ["export", str(BLOG), "--shard", value, "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and message in result.output



@pytest.mark.parametrize("alias", ["sqlite_db", "pg_db"])
@pytest.mark.parametrize("name", ["blog", "shop", "friends"])
def test_insert_in_shards_fills_the_database_as_one_transaction_does(request, tmp_path, alias, name):
    # accounts.Profile's friends refer to its own rows: that model stays in one piece.
    database = request.getfixturevalue(alias)
    (tmp_path / "friends.yaml").write_text("models:\n  accounts.Profile: 20\n")
    profile = {**profiles(tmp_path), "friends": str(tmp_path / "friends.yaml")}[name]
    labels = sorted({m.model._meta.app_label for m in api.prepare(profile).models})
    scale = 0.3 if name == "shop" else 1.0
    # Self-M2M pairs go in with their chunk: one chunk on PostgreSQL, which checks each statement's keys.
    size = None if name == "friends" else 5
    api.insert(profile, database=database, chunk_size=size, scale=scale)
    api.insert(profile, database=database, chunk_size=size, scale=scale)  # appended: pks past the first's, named objects reused
    expected = dumpdata(database, labels)
    empty_database(database)
    for jobs in (1, 2):
        report = api.insert(profile, database=database, chunk_size=size, shards=3, jobs=jobs, scale=scale)
    assert dumpdata(database, labels) == expected
    assert [m.label for m in report.models] == [m.model._meta.label for m in api.prepare(profile, scale=scale).models]


def test_a_failing_shard_keeps_the_shards_committed_before_it(sqlite_db):
    from django.db import connections

    from seedgen.demo.blog.models import Post

    with connections[sqlite_db].cursor() as cursor:  # the database refuses posts past the 30th
        cursor.execute("CREATE TRIGGER seedgen_no_more BEFORE INSERT ON blog_post WHEN NEW.id > 30 "
                       "BEGIN SELECT RAISE(ABORT, 'no more posts'); END")
    try:
        with pytest.raises(SinkError) as failed:
            api.insert(BLOG, database=sqlite_db, shards=5, clear=True)
        # Users, categories, tags: 3 models of 5 shards, then 3 shards of posts.
        assert str(failed.value) == ("database 'default': blog.Post: no more posts; "
                                     "blog.Post rows 30-39 were not written; the 18 pieces before them are committed")
        total = api.prepare(BLOG).model("blog.Post").count
        assert Post.objects.using(sqlite_db).count() == 30 == total * 3 // 5  # shards 1-3 of 5
    finally:
        with connections[sqlite_db].cursor() as cursor:
            cursor.execute("DROP TRIGGER seedgen_no_more")


def test_insert_in_shards_on_the_command_line(sqlite_db, tmp_path):
    from seedgen.demo.blog.models import Post

    result = CliRunner().invoke(cli, ["insert", str(BLOG), "--database", sqlite_db, "--shards", "4", "-q"])
    assert result.exit_code == 0, result.output
    assert Post.objects.using(sqlite_db).count() == api.prepare(BLOG).model("blog.Post").count


def test_insert_in_shards_refuses_a_key_to_a_later_model(sqlite_db, tmp_path):
    with pytest.raises(PlanError, match="org.Department.manager: refers to org.Employee, whose rows go in later, "
                                        "so it cannot be committed in shards; insert without --shards"):
        api.insert(bare_profile(tmp_path), database=sqlite_db, shards=2)
    api.insert(BLOG, database=sqlite_db)  # the refusal let the write lock go
