"""YAML fixtures, streamed: each object is dumped as a one-item list.

Django's YAML serializer builds the whole list before dumping; the same
dumper applied object by object gives a document ``loaddata`` reads the same.
"""

from __future__ import annotations

import yaml
from django.core.serializers.pyyaml import DjangoSafeDumper

from seedgen.generate.chunks import Chunk
from seedgen.sinks import values
from seedgen.sinks.fixture import FixtureSink


class YamlSink(FixtureSink):
    format = "yaml"

    def column(self, field, column):
        return values.yaml_column(field, column)

    def render(self, chunk: Chunk) -> str:
        options = {"Dumper": DjangoSafeDumper, "allow_unicode": True}
        if self.indent:
            options["indent"] = self.indent
        return "".join(yaml.dump([obj], **options) for obj in self.dump_objects(chunk))

    def end(self) -> str:
        # An empty fixture is still a list.
        return "[]\n" if not self.objects else ""

