"""JSON fixtures, byte for byte what ``dumpdata --format json`` writes."""

from __future__ import annotations

import json

import orjson

from seedgen.generate.chunks import Chunk
from seedgen.sinks import values
from seedgen.sinks.fixture import FixtureSink


class JsonSink(FixtureSink):
    format = "json"

    def column(self, field, column):
        return values.json_column(field, column, fragments=self.indent == 2)

    def start(self) -> str:
        if self.indent == 2:
            self.dump = lambda obj: orjson.dumps(obj, option=orjson.OPT_INDENT_2)
        else:
            kwargs = {"ensure_ascii": False}
            if self.indent:
                kwargs.update(indent=self.indent, separators=(",", ": "))
            self.encoder = json.JSONEncoder(**kwargs)
            self.dump = lambda obj: self.encoder.encode(obj).encode()
        return "["

    def render(self, chunk: Chunk) -> bytes:
        if self.indent:
            objects = [self.dump(obj) for obj in self.dump_objects(chunk)]
            lead, between = b"\n", b",\n"
        else:  # dumpdata's default: one line, built column by column
            objects = self.encoded_objects(chunk, self.encoder)
            lead, between = b"", b", "
        if not objects:
            return b""
        start = lead if self.first else between
        self.first = False
        return start + between.join(objects)

    def end(self) -> str:
        return "\n]\n" if self.indent else "]"
