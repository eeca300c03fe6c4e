"""YAML fixtures, streamed: each object as DjangoSafeDumper writes it dumped as a one-item list.

Django's YAML serializer builds the whole list before dumping; the same dumper applied object by object
gives a document ``loaddata`` reads the same. The objects' text is joined column by column from the
entries ``yaml_entries`` renders, which are what that dump writes.
"""

from __future__ import annotations

from seedgen.generate.chunks import Chunk
from seedgen.sinks import values
from seedgen.sinks.base import Output
from seedgen.sinks.fixture import FixtureSink, python_object
from seedgen.sinks.yaml_entries import EntryWriter, shared_rows


class YamlSink(FixtureSink):
    format = "yaml"

    def column(self, field, column):
        return values.yaml_column(field, column)

    def __init__(self, output: Output, *, indent: int | None = None) -> None:
        super().__init__(output, indent=indent)
        self.entries = EntryWriter(indent)

    def render(self, chunk: Chunk) -> str:
        model, entries = chunk.model, self.entries
        pk_column, keys, columns = self.row_columns(chunk)
        if not len(pk_column):
            return ""
        # Rows in which the dumper would anchor a repeated object, and rows with no fields ("fields: {}"),
        # are dumped whole; their entries are not rendered (nor remembered) with the others.
        whole = set(shared_rows(columns if model.natural_pk else [pk_column, *columns])) if keys else set(range(len(pk_column)))
        if whole:
            objects = [python_object(model, model.label, pk, keys, [c[row] for c in columns]) if row in whole
                       else None for row, pk in enumerate(pk_column)]
            pk_column, columns = _blanked(pk_column, whole), [_blanked(c, whole) for c in columns]
        head = entries.head(model.label)
        if model.natural_pk:
            starts = [head] * len(pk_column)
        else:
            starts = [head + pk for pk in entries.column("pk", pk_column, top=True)]
        header = entries.fields_header
        bodies = map("".join, zip(*[entries.column(k, c) for k, c in zip(keys, columns)])) if keys else starts
        texts = [start + header + body for start, body in zip(starts, bodies)]
        for row in whole:
            texts[row] = entries.dump(objects[row])
        return "".join(texts)

    def end(self) -> str:
        # An empty fixture is still a list.
        return "[]\n" if not self.objects else ""


def _blanked(column: list, rows: set[int]) -> list:
    return [None if row in rows else v for row, v in enumerate(column)]
