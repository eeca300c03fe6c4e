"""XML fixtures in Django's ``django-objects`` format, streamed.

The text is what Django's serializer writes through SimplerXMLGenerator (sorted attributes quoted by
``quoteattr``, character data escaped by ``escape``, ``<None></None>``, control characters refused),
built here column by column.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from django.utils.xmlutils import UnserializableContentError

from seedgen.errors import SinkError
from seedgen.generate.chunks import Chunk
from seedgen.sinks import values
from seedgen.sinks.fixture import FixtureSink

# SimplerXMLGenerator.characters refuses these: XML 1.0 has no place for them.
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")
NONE = "<None></None>"


def start_tag(name: str, attrs: dict[str, str]) -> str:
    """SimplerXMLGenerator.startElement's text: attributes sorted by name."""
    return "<" + name + "".join(f" {k}={quoteattr(v)}" for k, v in sorted(attrs.items())) + ">"


def characters(texts: list[str | None]) -> list[str]:
    """Character data as SimplerXMLGenerator.characters writes it, ``<None></None>`` for None."""
    joined = "".join([t for t in texts if t is not None])
    if _CONTROL.search(joined):
        raise UnserializableContentError("Control characters are not supported in XML 1.0")
    if "&" in joined or "<" in joined or ">" in joined:
        return [NONE if t is None else escape(t) for t in texts]
    return [NONE if t is None else t for t in texts]


class XmlSink(FixtureSink):
    format = "xml"

    def newline(self, level: int) -> str:
        return "" if self.indent is None else "\n" + " " * self.indent * level

    def start(self) -> str:
        return '<?xml version="1.0" encoding="utf-8"?>\n' + start_tag("django-objects", {"version": "1.0"})

    def render(self, chunk: Chunk) -> str:
        model = chunk.model
        if not len(chunk):
            return ""
        pks = chunk.pks if model.auto_pk else chunk.columns[model.pk_name]
        if model.natural_pk:  # loaddata finds or makes the row by its natural key
            starts = [self.newline(1) + start_tag("object", {"model": model.label})] * len(pks)
        elif model.auto_pk:  # a number's text needs no quoting: "model" sorts first, then "pk"
            head = self.newline(1) + start_tag("object", {"model": model.label})[:-1]
            starts = [f'{head} pk="{pk}">' for pk in pks]
        else:
            texts = map(values.xml_text(model.model._meta.pk), pks)
            starts = [self.newline(1) + start_tag("object", {"model": model.label, "pk": t}) for t in texts]
        field_start = self.newline(2)
        columns = []
        for f in model.fields:
            if f.name == model.pk_name:
                continue
            column = chunk.columns[f.name]
            try:
                if f.field.is_relation:
                    head = field_start + self.relation_tag(f)
                    texts = self.relation_texts(column)
                else:
                    head = field_start + start_tag("field", {"name": f.name, "type": f.kind})
                    texts = characters(values.xml_column(f.field, column))
            except UnserializableContentError:
                bad = next(v for v in column if any(_CONTROL.search(str(part)) for part in
                                                    (v if isinstance(v, list) else [v])))
                raise SinkError(f"{model.model._meta.label}.{f.name}: the value {bad!r} holds a control character, "
                                "which XML 1.0 cannot carry (as Django's serializer says); export JSON, JSONL or "
                                "YAML instead") from None
            columns.append([f"{head}{text}</field>" for text in texts])
        for f in model.m2m:
            head = field_start + self.relation_tag(f)
            columns.append([f"{head}{self.related_objects(related)}</field>" for related in chunk.m2m[f.name]])
        end = self.newline(1) + "</object>"
        bodies = map("".join, zip(*columns)) if columns else [""] * len(starts)
        return "".join([f"{start}{body}{end}" for start, body in zip(starts, bodies)])

    def relation_tag(self, f) -> str:
        remote = f.field.remote_field
        return start_tag("field", {"name": f.name, "rel": remote.__class__.__name__, "to": str(remote.model._meta)})

    def relation_texts(self, column: list) -> list[str]:
        """A key's pk as character data, or its natural key, or ``<None></None>``."""
        if not any(isinstance(v, list) for v in column):
            return characters([None if v is None else str(v) for v in column])
        return [natural(v) if isinstance(v, list) else characters([None if v is None else str(v)])[0] for v in column]

    def related_objects(self, related: list) -> str:
        """An M2M field's objects: ``<object pk="…">`` each, or each natural key inside an ``<object>``."""
        return "".join([f'<object pk="{pk}"></object>' if type(pk) is int
                        else f"<object>{natural(pk)}</object>" if isinstance(pk, list)
                        else f"<object pk={quoteattr(str(pk))}></object>" for pk in related])

    def end(self) -> str:
        return self.newline(0) + "</django-objects>"


def natural(key: list) -> str:
    """A natural key, one ``<natural>`` element per part, as ``dumpdata --natural-foreign`` writes it."""
    return "".join([f"<natural>{text}</natural>" for text in characters([str(part) for part in key])])
