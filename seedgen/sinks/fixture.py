"""The base of the fixture writers: one stream, a few hooks per format.

Like Django's serializers, a format overrides ``start``, ``render`` (one
chunk of objects) and ``end``; this class owns the file, the object order and
the model label of each object.
"""

from __future__ import annotations

from collections.abc import Iterator
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

    def dump_objects(self, chunk: Chunk) -> Iterator[dict[str, Any]]:
        """Django's python form of each row: model, pk and fields in model order."""
        model = chunk.model
        names = [f.name for f in model.fields if f.name != model.pk_name or not model.auto_pk]
        pk_column = chunk.pks if model.auto_pk else chunk.columns[model.pk_name]
        names = [n for n in names if n != model.pk_name]
        columns = [self.column(model.field(n), chunk.columns[n]) for n in names]
        m2m_names = [f.name for f in model.m2m]  # the plan holds only M2M fields with auto-created tables
        m2m = [chunk.m2m[n] for n in m2m_names]
        keys = names + m2m_names
        if not model.auto_pk:
            pk_column = self.column(model.field(model.pk_name), pk_column)
        label = model.label
        for row, pk in enumerate(pk_column):
            row_values = [c[row] for c in columns] + [c[row] for c in m2m]
            if model.natural_pk:  # as dumpdata --natural-primary writes it
                yield {"model": label, "fields": dict(zip(keys, row_values))}
            else:
                yield {"model": label, "pk": pk, "fields": dict(zip(keys, row_values))}
