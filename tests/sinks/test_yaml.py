"""The YAML sink writes, byte for byte, what DjangoSafeDumper writes for each object, whatever the values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import random
import uuid

import pytest
import yaml
from django.core import serializers
from django.core.serializers.pyyaml import DjangoSafeDumper

from seedgen import api
from seedgen.generate.chunks import Chunk, ModelGenerator
from seedgen.sinks.yaml import YamlSink
from seedgen.sinks.yaml_entries import EntryWriter

PROFILE = "models:\n  fieldtypes.Label: 2\n  fieldtypes.Document: 2\n  fieldtypes.Sample: {rows}\n  blog.Post: {rows}\n"
INDENTS = [None, 0, 2, 3, 4]

LONG_WORDS = " ".join(f"word{i}" for i in range(40))
STRINGS = [
    "", " lead", "trail ", "  ", "a  b", "quo'te", 'dq"te', "both ' and \"", "colon: here", "a:b", "key:", "# hash",
    "a #b", "a# b", "- dash", "-", "--- doc", "...", "? q", ": c", "yes", "No", "NULL", "null", "~", "on", "OFF", "y",
    "1e3", "1E+3", "0x1F", "0o17", "017", "08", "1_000", "12:30", "190:20:30", "2024-01-01", "2024-01-01 10:00:00",
    ".5", ".inf", "-.inf", ".NaN", "+1", "-1", "1.0", "<<", "=", "@at", "`tick", "!bang", "&amp", "*star", "|pipe",
    ">fold", "%pct", "{x}", "[x]", "a, b", "a,b", "[1, 2]", "tab\there", "new\nline", "two\n\nbreaks", "end\n",
    "\nstart", "cr\rx", "\x85next", "\u2028ls", "Ünïcødé", "emoji 😀", "日本語のテキスト", "\ufeffbom", "\x7fdel", "\x00nul",
    "\x01ctl", "C:\\path", "back\\slash", "user1@example.com", "pbkdf2_sha256$1000000$ab$6l8Y+/URdn=",
    "http://example.com/a?b=c#d", "Title Case Words Here.", "x" * 200, LONG_WORDS, LONG_WORDS.replace(" ", "  "),
    LONG_WORDS + " ", "é " * 60, str(uuid.UUID(int=7)), "'quoted'", '"quoted"', "a\u00a0b",
]
MOMENTS = [
    dt.datetime(2024, 6, 11, 0, 10, 40, tzinfo=dt.UTC), dt.datetime(2024, 6, 11, 0, 10, 40, 123456, tzinfo=dt.UTC),
    dt.datetime(2024, 6, 11, 0, 10, 40, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
    dt.datetime(2024, 6, 11, 0, 10, 40, 5000, tzinfo=dt.timezone(dt.timedelta(hours=-8))),
    dt.datetime(2024, 6, 11, 0, 10, 40, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30, seconds=10))),
    dt.datetime(2024, 6, 11, 0, 10, 40), dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
    dt.date(2024, 1, 1), dt.date(1, 1, 1),
]
NUMBERS = [0, -1, 7, 2**70, -(2**70), True, False, None, 1.5, -0.0, 1e16, 1e-7, 1e300, float("nan"), float("inf"),
           float("-inf"), decimal.Decimal("1.50"), decimal.Decimal("0"), decimal.Decimal("-0.001"), decimal.Decimal("1E+3"),
           decimal.Decimal("NaN"), decimal.Decimal("-Infinity"), decimal.Decimal("12345678901234567890.1234")]
LISTS = [[], [1], [1, 2, 3], list(range(100, 140)), ["a", "b"], ["blog", "post"], [["blog", "post"], ["a", 1]], [True],
         [1.5], ["yes", "x" * 100], [[]], {"a": [1, {"b": None}], "c": "d: e"}, {}, {"long": LONG_WORDS}]
VALUES = STRINGS + MOMENTS + NUMBERS + LISTS


def plan_and_chunk(tmp_path, label: str, rows: int) -> tuple:
    profile = tmp_path / "formats.yaml"
    profile.write_text(PROFILE.format(rows=rows))
    plan = api.prepare(profile, seed=3)
    model = plan.model(label)
    return model, ModelGenerator(plan, model).chunk(0, rows)


def with_columns(chunk: Chunk, columns: dict[str, list], m2m: dict[str, list] | None = None) -> Chunk:
    """The chunk with some of its columns set to ``columns``' values, cycled over its rows."""
    n = len(chunk)
    cycled = {name: [values[row % len(values)] for row in range(n)] for name, values in columns.items()}
    lists = {name: [values[row % len(values)] for row in range(n)] for name, values in (m2m or {}).items()}
    return dataclasses.replace(chunk, columns={**chunk.columns, **cycled}, m2m={**chunk.m2m, **lists})


def instances(chunk: Chunk) -> list:
    """Model instances holding the chunk's rows (not saved)."""
    model, made = chunk.model, []
    for row, pk in enumerate(chunk.pks):
        instance = model.model(pk=pk)
        for f in model.fields:
            setattr(instance, f.field.attname, chunk.columns[f.name][row])
        made.append(instance)
    return made


def reference(chunk: Chunk, indent: int | None) -> str:
    """What the sink wrote before it rendered by column: each object dumped alone as a one-item list."""
    options = {"Dumper": DjangoSafeDumper, "allow_unicode": True}
    if indent:
        options["indent"] = indent
    return "".join(yaml.dump([obj], **options) for obj in YamlSink(None, indent=indent).dump_objects(chunk))


@pytest.mark.parametrize("indent", INDENTS)
@pytest.mark.parametrize("key", ["k", "title", "positive_big_integer_null", "k" * 45, "yes", "on", "a b"])
def test_each_entry_is_what_the_dumper_writes_for_an_object_holding_it(key, indent):
    entries = EntryWriter(indent)
    for top in (False, True):
        texts = entries.column(key, VALUES, top=top)
        for value, text in zip(VALUES, texts):
            obj = {"model": "m", key: value} if top else {"model": "m", "fields": {key: value}}
            assert entries.head("m") + ("" if top else entries.fields_header) + text == entries.dump(obj), value
        assert entries.column(key, VALUES, top=top) == texts  # again, from what it remembered


@pytest.mark.parametrize("indent", [None, 4])
def test_random_text_around_the_fold_width_is_what_the_dumper_writes(indent):
    entries, rng = EntryWriter(indent), random.Random(5)
    alphabet = "abcXYZ019 .,-_:#'\"@$/=+()é\t\n"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 110))) for _ in range(1500)]
    texts += [" ".join("w" * rng.randrange(1, 12) for _ in range(rng.randrange(1, 20))) for _ in range(1500)]
    for key in ("k", "title", "k" * 30):
        for value, text in zip(texts, entries.column(key, texts)):
            assert entries.head("m") + entries.fields_header + text == entries.dump({"model": "m", "fields": {key: value}})


# Columns whose python form keeps any value given (the base rule, a protected value, a JSONField, a key's natural key).
TEXT_COLUMNS = ["char", "text", "slug", "email", "url", "big_integer", "positive_big_integer_null", "small_integer"]


@pytest.mark.parametrize("indent", INDENTS)
def test_a_chunk_of_tricky_values_is_what_each_object_dumped_alone_gives(tmp_path, indent):
    model, chunk = plan_and_chunk(tmp_path, "fieldtypes.Sample", 160)
    columns = {name: STRINGS[i:] + STRINGS[:i] for i, name in enumerate(TEXT_COLUMNS)}
    columns |= {"datetime": MOMENTS, "taken_at": MOMENTS[::-1] + [None], "decimal": NUMBERS, "float": NUMBERS[::-1],
                "json": LISTS + NUMBERS, "json_null": [None, {"a": 1}, [1, [2]], "text"],
                "label": [1, ["natural", "key"], [["nested"], 2], None], "document_null": [None, str(uuid.UUID(int=1))],
                "time": [dt.time(12, 30), dt.time(0, 0, 0, 5), None]}
    chunk = with_columns(chunk, columns)
    assert YamlSink(None, indent=indent).render(chunk) == reference(chunk, indent)


@pytest.mark.parametrize("indent", [None, 2, 4])
def test_many_to_many_lists_and_their_natural_keys_are_what_each_object_dumped_alone_gives(tmp_path, indent):
    model, chunk = plan_and_chunk(tmp_path, "blog.Post", 40)
    chunk = with_columns(chunk, {"title": STRINGS}, {"tags": [[], [1], [3, 1, 2], [["django"], ["python", 3]], [["a"]]]})
    assert YamlSink(None, indent=indent).render(chunk) == reference(chunk, indent)


def test_an_object_met_twice_in_a_row_is_anchored_as_the_dumper_does(tmp_path):
    model, chunk = plan_and_chunk(tmp_path, "fieldtypes.Sample", 6)
    moment, amount, key, items = MOMENTS[1], decimal.Decimal("2.50"), ["shared", "key"], [1, 2]
    chunk = with_columns(chunk, {
        "datetime": [moment] * 6, "taken_at": [moment, MOMENTS[0]] * 3,  # the same object in two columns
        "decimal": [amount] * 6, "decimal_null": [amount, None, None, None, None, None],
        "label": [1, key, 1, 1, 1, 1], "document_null": [None, key, None, None, None, None],
        "json": [{}, {}, {"a": items, "b": items}, [items, items], {"n": None}, [key]],  # the same list twice in a value
    })
    text = YamlSink(None, indent=2).render(chunk)
    assert "&id001" in text and "*id001" in text
    assert text == reference(chunk, 2)


def test_objects_without_a_pk_and_with_no_fields_are_what_the_dumper_writes(tmp_path):
    model, chunk = plan_and_chunk(tmp_path, "fieldtypes.Sample", 5)
    natural = dataclasses.replace(chunk, model=dataclasses.replace(model, natural_pk=True))
    assert YamlSink(None).render(natural) == reference(natural, None)
    only_pk = tuple(f for f in model.fields if f.name == model.pk_name)
    bare = dataclasses.replace(chunk, model=dataclasses.replace(model, fields=only_pk))
    assert "fields: {}" in YamlSink(None).render(bare)
    assert YamlSink(None).render(bare) == reference(bare, None)


@pytest.mark.parametrize("indent", [None, 2])
def test_generated_rows_are_what_djangos_yaml_serializer_writes_for_their_instances(tmp_path, indent):
    model, chunk = plan_and_chunk(tmp_path, "fieldtypes.Sample", 30)
    chunk = with_columns(chunk, {"char": STRINGS[:-4], "text": [LONG_WORDS, "x" * 90, "a: b\n c"], "taken_at": MOMENTS[:8]})
    names = [f.name for f in model.fields if f.name != model.pk_name]  # not its GeneratedFields
    django = "".join(serializers.serialize("yaml", [obj], indent=indent, fields=names) for obj in instances(chunk))
    assert YamlSink(None, indent=indent).render(chunk) == django


def test_an_empty_export_is_an_empty_list_and_jobs_give_the_same_bytes(tmp_path):
    profile = tmp_path / "posts.yaml"
    profile.write_text("models:\n  blog.Post: 0\n")
    api.export(profile, tmp_path / "none.yaml")
    assert (tmp_path / "none.yaml").read_text() == "[]\n"
    profile.write_text(PROFILE.format(rows=60))
    api.export(profile, tmp_path / "one.yaml", indent=4, chunk_size=7)
    api.export(profile, tmp_path / "two.yaml", indent=4, chunk_size=7, jobs=2)
    assert (tmp_path / "two.yaml").read_bytes() == (tmp_path / "one.yaml").read_bytes()


def test_entries_forgotten_when_the_memory_is_full_are_rendered_again_the_same(tmp_path, monkeypatch):
    from seedgen.sinks import yaml_entries

    monkeypatch.setattr(yaml_entries, "MEMO_CHARS", 200)
    model, chunk = plan_and_chunk(tmp_path, "blog.Post", 80)
    chunk = with_columns(chunk, {"title": STRINGS, "content": STRINGS[::-1]})
    sink = YamlSink(None, indent=2)
    assert sink.render(chunk) + sink.render(chunk) == reference(chunk, 2) * 2
