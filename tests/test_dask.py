"""``export --dask ADDRESS --shards N``: one task per shard on a Dask cluster, each file the ``--shard I/N`` export."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from seedgen import api
from seedgen.cli import cli
from seedgen.scale.cluster import export_shards, shard_name
from tests.conftest import PROFILES, REPO

SHOP = PROFILES / "shop.yaml"


@pytest.fixture(scope="module")
def cluster():
    # Worker processes, as on a real cluster: each sets Django up itself from the settings it is sent.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def expected_shards(tmp_path, count: int, suffix: str = "jsonl") -> list[bytes]:
    out = []
    for i in range(1, count + 1):
        path = tmp_path / "expected" / f"{i}.{suffix}"
        api.export(SHOP, path, shard=(i, count), scale=0.3)
        out.append(path.read_bytes())
    return out


def test_each_task_writes_the_shard_that_export_shard_writes(cluster, tmp_path):
    report = export_shards(SHOP, str(tmp_path / "out"), address=cluster, shards=3, format="jsonl", scale=0.3)
    names = [shard_name("shop", i, 3, "jsonl") for i in (1, 2, 3)]
    assert report.outputs == [str(tmp_path / "out" / n) for n in names]
    assert [(tmp_path / "out" / n).read_bytes() for n in names] == expected_shards(tmp_path, 3)
    whole = api.export(SHOP, tmp_path / "whole.jsonl", scale=0.3)
    assert [(m.label, m.rows) for m in report.models] == [(m.label, m.rows) for m in whole.models]


def test_the_cli_runs_the_shards_on_the_cluster_into_a_url(cluster, tmp_path):
    out = tmp_path / "url"
    result = CliRunner().invoke(cli, ["export", str(SHOP), "--scale", "0.3", "--dask", cluster, "--shards", "2",
                                      "--format", "jsonl", "-o", f"file://{out}/"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["shop-1-of-2.jsonl", "shop-2-of-2.jsonl"]
    assert [(out / f"shop-{i}-of-2.jsonl").read_bytes() for i in (1, 2)] == expected_shards(tmp_path, 2)


def test_a_compressed_format_names_the_shard_files(cluster, tmp_path):
    export_shards(SHOP, str(tmp_path), address=cluster, shards=2, format="xml.gz", scale=0.3)
    assert [(tmp_path / f"shop-{i}-of-2.xml.gz").read_bytes() for i in (1, 2)] == expected_shards(tmp_path, 2, "xml.gz")


@pytest.mark.parametrize(("args", "message"), [
    (["--shards", "2"], "--dask ADDRESS and --shards N go together"),
    (["--dask", "tcp://127.0.0.1:1"], "--dask ADDRESS and --shards N go together"),
    (["--dask", "tcp://127.0.0.1:1", "--shards", "2", "--jobs", "2"], "drop --per-model, --shard and --jobs"),
    (["--dask", "tcp://127.0.0.1:1", "--shards", "2", "-o", "-"], "give -o DIR/"),
])
def test_options_that_do_not_go_with_dask_are_usage_errors(args, message):
    result = CliRunner().invoke(cli, ["export", str(SHOP), *args])
    assert result.exit_code == 2 and message in result.output


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["export", str(SHOP), "--dask", "tcp://127.0.0.1:9", "--shards", "2",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: --dask tcp://127.0.0.1:9: cannot reach the scheduler")


def python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO)


def test_without_the_extra_dask_is_a_one_line_error_naming_it(tmp_path):
    # Dask's packages made unimportable, as when the extra is not installed.
    done = python("import sys\nsys.modules['distributed'] = None\nsys.modules['dask'] = None\n"
                  "from seedgen.cli import main\nsys.argv = ['seedgen', 'export', 'profiles/shop.yaml', '--dask', "
                  f"'tcp://127.0.0.1:9', '--shards', '2', '-o', '{tmp_path}']\nmain()")
    assert done.returncode == 1
    assert done.stderr == "Error: --dask needs Dask's distributed scheduler; pip install 'seedgen[dask]'\n"


def test_dask_stays_out_of_every_other_run(tmp_path):
    done = python("import sys\nfrom seedgen.cli import main\nsys.argv = ['seedgen', 'export', 'profiles/shop.yaml', "
                  f"'--shard', '1/2', '--jobs', '2', '-q', '-o', '{tmp_path}/x.json']\ntry:\n    main()\n"
                  "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n" and (tmp_path / "x.json").exists()
