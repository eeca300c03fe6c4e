"""JSON Lines fixtures: one object a line, as ``dumpdata --format jsonl`` writes."""

from __future__ import annotations

import json

from seedgen.generate.chunks import Chunk
from seedgen.sinks import values
from seedgen.sinks.fixture import FixtureSink


class JsonlSink(FixtureSink):
    format = "jsonl"
    _encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ": "))

    def column(self, field, column):
        return values.json_column(field, column, fragments=False)

    def render(self, chunk: Chunk) -> bytes:
        lines = self.encoded_objects(chunk, self._encoder)
        return b"\n".join(lines) + b"\n" if lines else b""
