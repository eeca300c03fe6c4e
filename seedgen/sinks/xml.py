"""XML fixtures in Django's ``django-objects`` format, streamed."""

from __future__ import annotations

import io
import json

from django.utils.xmlutils import SimplerXMLGenerator

from seedgen.generate.chunks import Chunk
from seedgen.plan import Plan
from seedgen.sinks.base import field_holder
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
        pk_field = model.model._meta.pk
        for row, pk in enumerate(chunk.pks if model.auto_pk else chunk.columns[model.pk_name]):
            self.newline(1)
            xml.startElement("object", {"model": model.label, "pk": pk_field.value_to_string(field_holder(pk_field, pk))})
            for f in fields:
                value = chunk.columns[f.name][row]
                self.newline(2)
                if f.field.is_relation:
                    remote = f.field.remote_field
                    xml.startElement("field", {"name": f.name, "rel": remote.__class__.__name__,
                                               "to": str(remote.model._meta)})
                    if value is None:
                        xml.addQuickElement("None")
                    else:
                        xml.characters(str(value))
                else:
                    xml.startElement("field", {"name": f.name, "type": f.kind})
                    if value is None:
                        xml.addQuickElement("None")
                    else:
                        text = f.field.value_to_string(field_holder(f.field, value))
                        if f.kind == "JSONField":
                            text = json.dumps(text, cls=f.field.encoder)
                        xml.characters(text)
                xml.endElement("field")
            for f in model.m2m:
                remote = f.field.remote_field
                if not remote.through._meta.auto_created:
                    continue
                self.newline(2)
                xml.startElement("field", {"name": f.name, "rel": remote.__class__.__name__,
                                           "to": str(remote.model._meta)})
                for related in chunk.m2m[f.name][row]:
                    xml.addQuickElement("object", attrs={"pk": str(related)})
                xml.endElement("field")
            self.newline(1)
            xml.endElement("object")
        self.objects += len(chunk)

    def close(self) -> None:
        self.newline(0)
        self.xml.endElement("django-objects")
        self.xml.endDocument()
        self.text.flush()
        self.text.detach()
        self.output.commit()
