"""The on-disk cache of generated rows: a replay feeds the database sink the very chunks a run made,
keyed by a digest of the plan as it goes in, the versions that make values and the database's vendor.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any

from seedgen.cachedir import cache_directory, use_pytest_cache  # noqa: F401  (the plugin sets it here)

FORMAT = 1  # bumped when what an entry holds changes shape
# What this process seeded ("seeded") and what the cache did: "hits", "misses" (generated and stored),
# "ignored" (an entry that could not be read or did not fit; it was rewritten). The plugin reports it.
stats: Counter[str] = Counter()

class RowCache:
    """Entries of generated chunks in one directory, one pickle file per key, written atomically.

    The files are pickles, like ``.pyc`` files trusted as code: keep the directory where only you write.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else cache_directory()

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.pickle"

    def load(self, key: str, plan) -> Replay | None:
        """The replay of entry ``key``, or None when there is none or it cannot be used: unreadable,
        of another format or key, or not exactly the rows of ``plan`` (the caller then rewrites it)."""
        path = self.path(key)
        try:
            with open(path, "rb") as file:
                entry = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception:  # a truncated or foreign file is a miss, never an error
            stats["ignored"] += 1
            return None
        try:
            replay = Replay(plan, entry["chunks"]) if entry["format"] == FORMAT and entry["key"] == key else None
        except Exception:
            replay = None
        if replay is None:
            stats["ignored"] += 1
        return replay

    def save(self, key: str, chunks: Iterable[tuple]) -> Path:
        """Write entry ``key`` under a temporary name and rename it into place: readers see the old
        entry or the new one, never half of one (two processes saving one key write the same rows)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = {"format": FORMAT, "key": key, "chunks": list(chunks)}
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as file:
                pickle.dump(entry, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return self.path(key)


def stored(chunk) -> tuple:
    """What an entry keeps of a chunk: (label, start, stop, pks, columns, m2m)."""
    return (chunk.model.label, chunk.start, chunk.stop, chunk.pks, chunk.columns, chunk.m2m)


class Replay:
    """The stored chunks of a plan, checked against it; called as ``run``'s ``chunks`` source."""

    def __init__(self, plan, chunks: list[tuple]) -> None:
        self.by_model: dict[str, list[tuple]] = {m.label: [] for m in plan.models}
        for chunk in chunks:
            self.by_model[chunk[0]].append(chunk)  # a label the plan does not have: KeyError, not a fit
        for model in plan.models:
            if not _fits(model, self.by_model[model.label]):
                raise ValueError(f"the entry does not hold the rows of {model.label}")

    def __call__(self, model, size: int) -> Iterator:
        from seedgen.generate.chunks import Chunk

        for _, start, stop, pks, columns, m2m in self.by_model[model.label]:
            yield Chunk(model, start, stop, pks, columns, m2m)


def _fits(model, chunks: list[tuple]) -> bool:
    """Whether chunks cover rows 0..count of the model in order, each with every column and M2M list."""
    names = {f.name for f in model.fields}
    m2m = {f.name for f in model.m2m}
    made = model.count - len(model.reused)
    position = 0
    rows = 0
    for _, start, stop, pks, columns, lists in chunks:
        if start != position or stop <= start or set(columns) != names or set(lists) != m2m:
            return False
        if any(len(column) != len(pks) for column in [*columns.values(), *lists.values()]):
            return False
        position, rows = stop, rows + len(pks)
    return position == model.count and rows == made


def cache_key(plan, vendor: str) -> str:
    """The digest of everything the rows of ``plan`` depend on in database ``vendor``."""
    from django.conf import settings

    factories = sorted({m.factory for m in plan.models if m.factory})
    # The profile's content counts, not where it was read from (a path relative to another directory).
    plan = dataclasses.replace(plan, profile=dataclasses.replace(plan.profile, file=""))
    parts = [FORMAT, _versions(), vendor, settings.PASSWORD_HASHERS[:1], settings.TIME_ZONE,
             [(name, _source_digest(name)) for name in factories], canonical(plan)]
    return hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()


_STEPS = ("profile", "planning", "strategies", "generate")  # the packages of seedgen that make chunks


@functools.cache
def _versions() -> list[str]:
    """The versions of what makes the values, and the source of seedgen's steps that make chunks (a
    replay still runs the sink's code), so that a development checkout never replays rows an older
    version of its code made."""
    from importlib.metadata import PackageNotFoundError, version

    import django
    import faker
    import numpy

    try:
        ours = version("seedgen")
    except PackageNotFoundError:
        ours = "unknown"
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(p for step in _STEPS for p in (package / step).rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return [ours, digest.hexdigest(), faker.VERSION, django.get_version(), numpy.__version__,
            f"{sys.version_info.major}.{sys.version_info.minor}"]


def _source_digest(dotted: str) -> str:
    """A digest of the file that defines the factory ``dotted``: its code makes the rows of its model."""
    import inspect

    from django.utils.module_loading import import_string

    try:
        return hashlib.sha256(Path(inspect.getsourcefile(import_string(dotted))).read_bytes()).hexdigest()
    except Exception:  # the plan step reports a factory that cannot be imported
        return "unreadable"


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canonical(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON data that is the same in every process: sets sorted, dicts by key,
    classes and functions by dotted name, Django fields and validators by ``deconstruct()``."""
    if depth > 40:
        return "..."
    deeper = depth + 1
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, (decimal.Decimal, dt.date, dt.time, dt.timedelta, dt.tzinfo, uuid.UUID, enum.Enum, PurePath)):
        return [type(value).__name__, repr(value)]
    if isinstance(value, type):
        meta = getattr(value, "_meta", None)
        return ["model", meta.label] if meta is not None and hasattr(meta, "label") else ["type", _dotted(value)]
    if dataclasses.is_dataclass(value):
        return [_dotted(type(value)), [[f.name, canonical(getattr(value, f.name), deeper)] for f in dataclasses.fields(value)]]
    if isinstance(value, Mapping):
        items = [[canonical(k, deeper), canonical(v, deeper)] for k, v in value.items()]
        return ["map", sorted(items, key=lambda item: json.dumps(item[0]))]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((canonical(v, deeper) for v in value), key=json.dumps)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [canonical(v, deeper) for v in value]]
    if isinstance(value, re.Pattern):
        return ["re", value.pattern if isinstance(value.pattern, str) else value.pattern.hex(), value.flags]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # NumPy arrays and scalars
        return ["numpy", str(value.dtype), canonical(value.tolist(), deeper)]
    if callable(getattr(value, "deconstruct", None)) and not isinstance(value, type):
        try:
            return [_dotted(type(value)), canonical(value.deconstruct(), deeper)]
        except Exception:  # a deconstructible that cannot be deconstructed alone: its repr below
            pass
    if callable(value):
        return ["callable", _dotted(value)]
    return [_dotted(type(value)), _ADDRESS.sub("", repr(value))]


def _dotted(thing: Any) -> str:
    return f"{getattr(thing, '__module__', '?')}.{getattr(thing, '__qualname__', type(thing).__qualname__)}"
