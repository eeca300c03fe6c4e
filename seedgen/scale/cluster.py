"""``--dask ADDRESS --shards N``: one task per shard on a running Dask cluster, each writing its own file.

Dask schedules, retries and reports; a task is ``export --shard I/N`` run on a worker, into a
directory every worker can write (a local path or an fsspec URL). Dask is imported here only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from seedgen.api import Report
from seedgen.errors import SinkError
from seedgen.profile import Profile, load_profile
from seedgen.progress import Progress
from seedgen.scale.shards import check_shard

EXTRA = "pip install 'seedgen[dask]'"


def shard_name(stem: str, index: int, count: int, fmt: str) -> str:
    """``blog-03-of-12.jsonl``: zero-padded, so a sorted glob lists the shards in order."""
    width = len(str(count))
    return f"{stem}-{index:0{width}d}-of-{count}.{fmt}"


def is_url(target: str) -> bool:
    return "://" in target


def export_shards(
    profile: Profile | str | Path,
    directory: str,
    *,
    address: str,
    shards: int,
    format: str = "jsonl",  # and a compression, if any: "jsonl.gz"
    indent: int | None = None,
    seed: int | None = None,
    counts: Mapping[str, int] | None = None,
    scale: float = 1.0,
    settings: str | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Export ``shards`` shards of the profile's data on the Dask scheduler at ``address``, one task
    each, into ``directory``; the report adds up the shards' rows and lists their files."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SinkError(f"--dask needs Dask's distributed scheduler; {EXTRA}") from None
    from seedgen import api
    from seedgen.environment import setup_django

    check_shard(1, shards)
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    # Planned here first: a profile error is one message before anything reaches the cluster.
    plan = api.prepare(profile, seed=seed, counts=counts, scale=scale, settings=settings)
    setup = (setup_django(), list(sys.path))  # the workers import the same settings from the same places
    stem = Path(profile.file).stem
    targets = [join(directory, shard_name(stem, i, shards, format)) for i in range(1, shards + 1)]
    options = {"indent": indent, "seed": seed, "counts": dict(counts or {}), "scale": scale, "chunk_size": chunk_size}
    try:
        client = Client(address, timeout="5s")
    except OSError as exc:
        raise SinkError(f"--dask {address}: cannot reach the scheduler: {exc}") from None
    report = Report(notices=plan.notices)
    with client:
        futures = [client.submit(export_shard, setup, profile, options, i, shards, target, pure=False)
                   for i, target in enumerate(targets, start=1)]
        if progress:
            progress.start(f"shards on {address}", shards)
        try:
            for future in as_completed(futures):
                report.add(future.result())
                if progress:
                    progress.advance(1)
        finally:
            client.cancel(futures)
            if progress:
                progress.finish()
                progress.end_line()
    report.outputs = targets
    return report


def join(directory: str, name: str) -> str:
    return f"{directory.rstrip('/')}/{name}" if is_url(directory) else str(Path(directory) / name)


def export_shard(setup: tuple[str, list[str]], profile: Profile, options: dict, index: int, count: int,
                 target: str) -> Report:
    """The task: shard ``index`` of ``count`` written to ``target``, run on a Dask worker."""
    from seedgen import api
    from seedgen.environment import setup_django

    settings, path = setup
    sys.path.extend(p for p in path if p not in sys.path)
    setup_django(settings)
    if not is_url(target):
        # Made here, where no other task's export can race this one to create it.
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        return api.export(profile, target, shard=(index, count), **options)
    import fsspec

    # A remote file cannot be renamed into place: write it here, then copy it up whole.
    with tempfile.TemporaryDirectory(prefix="seedgen-shard-") as scratch:
        local = Path(scratch) / target.rsplit("/", 1)[-1]
        report = api.export(profile, local, shard=(index, count), **options)
        fs, path_in_fs = fsspec.core.url_to_fs(target)
        fs.makedirs(path_in_fs.rsplit("/", 1)[0], exist_ok=True)
        fs.put_file(str(local), path_in_fs)
    report.outputs = [target]
    return report
