"""One fixture file per model in a directory, all renamed into place together."""

from __future__ import annotations

from pathlib import Path

from seedgen.generate.chunks import Chunk
from seedgen.planning import Plan
from seedgen.sinks import fixture_sink
from seedgen.sinks.base import Output, Sink, make_directories, remove_directories


def per_model_name(index: int, label: str, fmt: str, compression: str | None) -> str:
    """``01_auth_user.json``: the number keeps a sorted glob in dependency order."""
    name = f"{index:02d}_{label.replace('.', '_')}.{fmt}"
    return f"{name}.{compression}" if compression else name


class PerModelSink(Sink):
    def __init__(self, directory: str | Path, fmt: str, compression: str | None, indent: int | None) -> None:
        self.directory = Path(directory)
        self.fmt, self.compression, self.indent = fmt, compression, indent
        self.sinks: dict[str, Sink] = {}
        self.paths: list[Path] = []
        self.made_dirs: list[str] = []

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.made_dirs = make_directories(str(self.directory.resolve()), str(self.directory))
        for index, model in enumerate(plan.models, start=1):
            path = self.directory / per_model_name(index, model.label, self.fmt, self.compression)
            sink = fixture_sink(self.fmt, Output(path, self.compression), indent=self.indent)
            sink.open(plan)
            self.sinks[model.label] = sink
            self.paths.append(path)

    def write(self, chunk: Chunk) -> None:
        self.sinks[chunk.model.label].write(chunk)

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()

    def abort(self) -> None:
        for sink in self.sinks.values():
            sink.abort()
        remove_directories(self.made_dirs)
