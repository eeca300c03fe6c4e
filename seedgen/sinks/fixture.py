"""The base of the fixture writers: one stream, a few hooks per format.

Like Django's serializers, a format overrides ``start``, ``render`` (one
chunk of objects) and ``end``; this class owns the file, the object order and
the model label of each object.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any

from seedgen.generate.chunks import Chunk
from seedgen.planning import Plan
from seedgen.sinks import values
from seedgen.sinks.base import Output, Sink


class FixtureSink(Sink):
    format = ""

    def __init__(self, output: Output, *, indent: int | None = None) -> None:
        self.output = output
        self.indent = indent
        self.first = True
        self.objects = 0

    def open(self, plan: Plan) -> None:
        super().open(plan)
        self.stream = self.output.open()
        self.emit(self.start())

    def write(self, chunk: Chunk) -> None:
        self.emit(self.render(chunk))
        self.objects += len(chunk)

    def close(self) -> None:
        self.emit(self.end())
        self.output.commit()

    def abort(self) -> None:
        self.output.discard()

    def emit(self, data: str | bytes) -> None:
        if data:
            self.stream.write(data.encode() if isinstance(data, str) else data)

    def start(self) -> str | bytes:
        return ""

    def end(self) -> str | bytes:
        return ""

    def render(self, chunk: Chunk) -> str | bytes:
        raise NotImplementedError

    def column(self, field, column: list[Any]) -> list[Any]:
        """A column as this format holds it; Django's python form unless the format says otherwise."""
        return values.python_column(field, column)

    def row_columns(self, chunk: Chunk) -> tuple[list[Any], list[str], list[list[Any]]]:
        """The pks, the field names in model order (M2M last) and their columns as this format holds them."""
        model = chunk.model
        names = [f.name for f in model.fields if f.name != model.pk_name]
        pk_column = chunk.pks if model.auto_pk else self.column(model.field(model.pk_name), chunk.columns[model.pk_name])
        columns = [self.column(model.field(n), chunk.columns[n]) for n in names]
        m2m_names = [f.name for f in model.m2m]  # the plan holds only M2M fields with auto-created tables
        return pk_column, names + m2m_names, columns + [chunk.m2m[n] for n in m2m_names]

    def dump_objects(self, chunk: Chunk) -> Iterator[dict[str, Any]]:
        """Django's python form of each row: model, pk and fields in model order."""
        model = chunk.model
        pk_column, keys, columns = self.row_columns(chunk)
        label = model.label
        for row, pk in enumerate(pk_column):
            yield python_object(model, label, pk, keys, [c[row] for c in columns])

    def encoded_objects(self, chunk: Chunk, encoder: json.JSONEncoder) -> list[bytes]:
        """Each row as ``encoder.encode(obj)`` of its ``dump_objects`` dict would write it, made column by
        column from ready-encoded values, with the encoder's own separators: every row is one join of its
        values with the constant bytes between them, all in C."""
        item, key = encoder.item_separator, encoder.key_separator
        model = chunk.model
        pk_column, keys, columns = self.row_columns(chunk)
        compact = item == ","
        dumps = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
        head = f'{{"model"{key}{dumps(model.label)}{item}'
        opening = f'"fields"{key}{{'
        parts: list[Iterable[bytes]] = []  # constant bytes (repeated) and value columns, in row order
        if model.natural_pk:
            if not keys:  # every row the same
                return [f"{head}{opening}}}}}".encode()] * len(pk_column)
            lead = head + opening
        else:
            parts += [repeat(f'{head}"pk"{key}'.encode()), values.json_fragments(pk_column, encoder, compact_lists=compact)]
            lead = item + opening
        for n, (name, column) in enumerate(zip(keys, columns)):
            parts += [repeat(f"{lead if n == 0 else item}{dumps(name)}{key}".encode()),
                      values.json_fragments(column, encoder, compact_lists=compact)]
        parts.append(repeat(b"}}" if keys else f"{lead}}}}}".encode()))
        return list(map(b"".join, zip(*parts)))


def python_object(model, label: str, pk: Any, keys: list[str], row_values: list[Any]) -> dict[str, Any]:
    """One row in Django's python form: model, pk and fields in model order."""
    if model.natural_pk:  # as dumpdata --natural-primary writes it
        return {"model": label, "fields": dict(zip(keys, row_values))}
    return {"model": label, "pk": pk, "fields": dict(zip(keys, row_values))}
