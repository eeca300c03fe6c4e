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


@pytest.mark.parametrize("separators", [(",", ": "), (", ", ": ")])
def test_ready_encoded_values_are_what_json_writes(separators):
    import json

    from seedgen.sinks.values import json_fragments

    encoder = json.JSONEncoder(ensure_ascii=False, separators=separators)
    samples = ["plain", 'quo"te\\back', "\x00\x1f\x7f\n\t", "Ünïcødé \u2028 😀", "", 0, -1, 2**63 - 1, 2**64, -(2**63) - 1,
               True, False, None, 1.5, 1e16, float("nan"), [1, 2], ["blog", "post"], [["a", 1], []], [1.5], {"a": [1, {"b": None}]}]
    # Each kind of column alone too: those take orjson's paths, the mixed one above goes value by value.
    columns = [samples, ["a", "b, c", ""], [0, -1, 2**63 - 1], [[1, 2], [], [3, 4, 5]], [["blog", "post"], ["a,b", "c"]],
               [[1, 2**64]], [[1, True]], [True, None, "x"]]
    for column in columns:
        assert list(json_fragments(column, encoder, compact_lists=separators[0] == ",")) == \
            [encoder.encode(v).encode() for v in column]


def test_a_column_of_utc_moments_is_written_as_each_alone_would_be():
    import datetime as dt

    from seedgen.sinks.values import json_datetime, utc_seconds

    whole = [dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC), None, dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
             dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC)]
    assert utc_seconds(whole) == [None if v is None else json_datetime(v) for v in whole]
    assert utc_seconds([dt.datetime(2025, 1, 1, 12, 0, 0, 5000, tzinfo=dt.UTC)]) is None  # milliseconds: one by one
    assert utc_seconds([dt.datetime(2025, 1, 1, 12)]) is None  # naive (USE_TZ off): one by one


@pytest.mark.parametrize("separators", [(",", ": "), (", ", ": ")])
def test_rows_joined_from_encoded_columns_are_what_the_encoder_writes_of_each_object(tmp_path, separators):
    import dataclasses
    import json

    from seedgen.sinks.jsonl import JsonlSink
    from tests.sinks.test_yaml import plan_and_chunk, with_columns

    encoder = json.JSONEncoder(ensure_ascii=False, separators=separators)
    model, chunk = plan_and_chunk(tmp_path, "blog.Post", 4)
    chunk = with_columns(chunk, {"author": [["ann, bo", 1], None, 7]}, {"tags": [[["a,b"], ["c", 3]], [2, 1], []]})
    bare = dataclasses.replace(model, fields=[f for f in model.fields if f.name == model.pk_name], m2m=[])
    layouts = [model, dataclasses.replace(model, natural_pk=True), bare, dataclasses.replace(bare, natural_pk=True)]
    sink = JsonlSink(None)
    for layout in layouts:  # keys and lists with commas; a natural pk; no fields, with and without a pk
        rows = dataclasses.replace(chunk, model=layout)
        assert sink.encoded_objects(rows, encoder) == [encoder.encode(obj).encode() for obj in sink.dump_objects(rows)]
    assert sink.encoded_objects(dataclasses.replace(chunk, model=bare), encoder)[0].endswith(b'"fields": {}}')
