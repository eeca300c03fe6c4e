"""The value a fixture holds: every built-in field type, in every format, is what dumpdata writes after loaddata."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from seedgen import api
from tests.sinks.test_fixtures import FORMATS

PROFILE = "models:\n  fieldtypes.Label: 4\n  fieldtypes.Document: 4\n  fieldtypes.Sample: 12\n"
LABELS = ["fieldtypes.label", "fieldtypes.document", "fieldtypes.sample"]


GENERATED = ("char_lower", "double_small")  # dumpdata writes GeneratedFields; loaddata ignores them, seedgen never writes them
_FIELD = {
    "json": r'\n {4}"{name}": [^\n]*',
    "jsonl": r'"{name}": (?:"(?:[^"\\]|\\.)*"|[^,}}]*),?',
    "yaml": r"\n {4}{name}: [^\n]*(?:\n {6,}[^\n]*)*",  # a long string goes on over indented lines
    "xml": r'\n {4}<field name="{name}"[^>]*>.*?</field>',
}


def without_generated(text: str, fmt: str) -> str:
    for name in GENERATED:
        text = re.sub(_FIELD[fmt].replace("{name}", name), "", text)
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_field_type_dumps_back_byte_for_byte(db, tmp_path, fmt):
    profile = tmp_path / "fields.yaml"
    profile.write_text(PROFILE)
    fixture = tmp_path / f"fields.{fmt}"
    api.export(profile, fixture, indent=2)
    call_command("loaddata", str(fixture), database=db, verbosity=0)
    out = io.StringIO()
    call_command("dumpdata", *LABELS, format=fmt, indent=2, database=db, stdout=out)
    assert without_generated(out.getvalue(), fmt) == fixture.read_text()
