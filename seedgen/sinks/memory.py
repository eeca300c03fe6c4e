"""Keeps the chunks in memory, for tests and the Python API."""

from __future__ import annotations

from typing import Any

from seedgen.generate.chunks import Chunk
from seedgen.sinks.base import Sink


class MemorySink(Sink):
    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.closed = False
        self.aborted = False

    def write(self, chunk: Chunk) -> None:
        self.chunks.append(chunk)

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.chunks.clear()
        self.aborted = True

    def rows(self, label: str) -> list[dict[str, Any]]:
        """Every row of a model as a dict of field values, pk first."""
        out = []
        for chunk in self.chunks:
            if chunk.model.label != label.lower():
                continue
            for row, pk in enumerate(chunk.pks):
                values = {"pk": pk}
                values.update({name: column[row] for name, column in chunk.columns.items()})
                values.update({name: column[row] for name, column in chunk.m2m.items()})
                out.append(values)
        return out
