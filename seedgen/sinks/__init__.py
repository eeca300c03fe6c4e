"""Sinks by name, loaded lazily like Django's serializers."""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.module_loading import import_string

from seedgen.errors import SinkError
from seedgen.sinks.base import COMPRESSIONS, Output, Sink

FORMATS = {
    "json": "seedgen.sinks.json.JsonSink",
    "jsonl": "seedgen.sinks.jsonl.JsonlSink",
    "yaml": "seedgen.sinks.yaml.YamlSink",
    "xml": "seedgen.sinks.xml.XmlSink",
}
_SUFFIX_FORMATS = {"json": "json", "jsonl": "jsonl", "yaml": "yaml", "yml": "yaml", "xml": "xml"}

__all__ = ["COMPRESSIONS", "FORMATS", "Output", "Sink", "fixture_sink", "split_suffix"]


def split_suffix(path: str | os.PathLike) -> tuple[str | None, str | None]:
    """(format, compression) named by a file's suffixes, e.g. 'a.yaml.gz' -> ('yaml', 'gz')."""
    parts = Path(path).name.split(".")[1:]
    compression = parts.pop() if parts and parts[-1] in COMPRESSIONS else None
    fmt = _SUFFIX_FORMATS.get(parts[-1]) if parts else None
    return fmt, compression


def fixture_sink(fmt: str, output: Output, *, indent: int | None = None) -> Sink:
    if fmt not in FORMATS:
        raise SinkError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if output.compression == "zip" and fmt != "json":
        # loaddata's zip reader has no read(size), which every other deserializer needs.
        raise SinkError(f"{output.path}: loaddata reads .zip fixtures only as json; use .gz, .bz2 or .xz for {fmt}")
    return import_string(FORMATS[fmt])(output, indent=indent)
