"""XML fixtures in Django's ``django-objects`` format, streamed."""

from __future__ import annotations

import io

from django.utils.xmlutils import SimplerXMLGenerator

from seedgen.generate.chunks import Chunk
from seedgen.planning import Plan
from seedgen.sinks import values
from seedgen.sinks.fixture import FixtureSink


class XmlSink(FixtureSink):
    format = "xml"

    def open(self, plan: Plan) -> None:
        self.plan = plan
        self.stream = self.output.open()
        self.text = io.TextIOWrapper(self.stream, encoding="utf-8", newline="\n", write_through=True)
        self.xml = SimplerXMLGenerator(self.text, "utf-8")
        self.xml.startDocument()
        self.xml.startElement("django-objects", {"version": "1.0"})

    def newline(self, level: int) -> None:
        if self.indent is not None:
            self.xml.ignorableWhitespace("\n" + " " * self.indent * level)

    def write(self, chunk: Chunk) -> None:
        model, xml = chunk.model, self.xml
        fields = [f for f in model.fields if f.name != model.pk_name]
        texts = {f.name: values.xml_text(f.field) for f in fields if not f.field.is_relation}
        pk_text = values.xml_text(model.model._meta.pk)
        m2m = model.m2m
        for row, pk in enumerate(chunk.pks if model.auto_pk else chunk.columns[model.pk_name]):
            self.newline(1)
            attrs = {"model": model.label}
            if not model.natural_pk:  # else loaddata finds or makes the row by its natural key
                attrs["pk"] = str(pk) if model.auto_pk else pk_text(pk)
            xml.startElement("object", attrs)
            for f in fields:
                value = chunk.columns[f.name][row]
                self.newline(2)
                if f.field.is_relation:
                    self.start_relation(f)
                    if value is None:
                        xml.addQuickElement("None")
                    elif isinstance(value, list):
                        self.natural(value)
                    else:
                        xml.characters(str(value))
                else:
                    xml.startElement("field", {"name": f.name, "type": f.kind})
                    text = texts[f.name](value)
                    if text is None:
                        xml.addQuickElement("None")
                    else:
                        xml.characters(text)
                xml.endElement("field")
            for f in m2m:
                self.newline(2)
                self.start_relation(f)
                for related in chunk.m2m[f.name][row]:
                    if isinstance(related, list):
                        xml.startElement("object", {})
                        self.natural(related)
                        xml.endElement("object")
                    else:
                        xml.addQuickElement("object", attrs={"pk": str(related)})
                xml.endElement("field")
            self.newline(1)
            xml.endElement("object")
        self.objects += len(chunk)

    def start_relation(self, f) -> None:
        remote = f.field.remote_field
        self.xml.startElement("field", {"name": f.name, "rel": remote.__class__.__name__, "to": str(remote.model._meta)})

    def natural(self, key: list) -> None:
        """A natural key, one ``<natural>`` element per part, as ``dumpdata --natural-foreign`` writes it."""
        for part in key:
            self.xml.startElement("natural", {})
            self.xml.characters(str(part))
            self.xml.endElement("natural")

    def close(self) -> None:
        self.newline(0)
        self.xml.endElement("django-objects")
        self.xml.endDocument()
        self.text.flush()
        self.text.detach()
        self.output.commit()
