"""The XML sink writes, byte for byte, what Django's XML serializer writes through SimplerXMLGenerator."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import io
import uuid

import pytest
from django.core import serializers
from django.utils.xmlutils import SimplerXMLGenerator, UnserializableContentError

from seedgen import api
from seedgen.errors import SinkError
from seedgen.sinks.xml import XmlSink, characters, start_tag
from tests.sinks.test_yaml import LONG_WORDS, MOMENTS, plan_and_chunk, with_columns
from tests.sinks.test_yaml import instances as bare_instances

TEXTS = ["", " lead", "trail ", "a & b", "<tag>", "x > y", "&amp;", "quo'te", 'dq"te', "both ' and \"", "tab\there",
         "new\nline", "cr\rx", "\x85next", "\u2028ls", "Ünïcødé", "emoji 😀", "日本語のテキスト", "]]>", "<None></None>",
         LONG_WORDS, "x" * 300, "\x7fdel"]


def document(sink: XmlSink, chunks) -> str:
    return sink.start() + "".join(sink.render(c) for c in chunks) + sink.end()


class Prefetched(list):
    """An M2M's rows as the prefetch cache holds them: the serializer asks it for a queryset first."""

    _prefetch_related_lookups = ()

    def select_related(self, *fields):
        return self

    def only(self, *fields):
        return self

    def iterator(self, chunk_size=None):
        return iter(self)


def django_xml(chunk, indent: int | None, m2m: dict[str, type] | None = None) -> str:
    """Django's serializer over model instances holding the chunk's rows, their M2M rows as if prefetched."""
    model, objects = chunk.model, bare_instances(chunk)
    for row, obj in enumerate(objects):
        obj._prefetched_objects_cache = {name: Prefetched(target(pk=pk) for pk in chunk.m2m[name][row])
                                         for name, target in (m2m or {}).items()}
    names = [f.name for f in model.fields if f.name != model.pk_name] + list(m2m or {})  # not its GeneratedFields
    return serializers.serialize("xml", objects, indent=indent, fields=names)


@pytest.mark.parametrize("indent", [None, 0, 2, 4])
def test_tricky_values_of_every_field_type_are_what_django_writes(tmp_path, indent):
    model, chunk = plan_and_chunk(tmp_path, "fieldtypes.Sample", 60)
    chunk = with_columns(chunk, {
        "char": TEXTS, "text": TEXTS[::-1], "slug": TEXTS[3:] + TEXTS[:3], "url": [None, "http://a.b/?q=1&r=<2>"],
        "email": ["x > y", "plain"], "ip": ["a < b"], "file_path": ["a & b"],  # one kind of escape to a column
        "datetime": [m for m in MOMENTS if isinstance(m, dt.datetime)], "date": [dt.date(1, 1, 1), dt.date(2024, 2, 29)],
        "time": [dt.time(12, 30), dt.time(0, 0, 0, 5), dt.time(23, 59, 59, 999999)],
        "decimal": [decimal.Decimal("1.50"), decimal.Decimal("-0.001"), decimal.Decimal("1E+3")],
        "float": [1.5, -0.0, 1e16, 1e-7, float("inf")], "boolean_null": [True, False, None],
        "big_integer": [0, -(2**63), 2**63 - 1], "uuid": [uuid.UUID(int=5)], "duration": [dt.timedelta(days=1, microseconds=5)],
        "binary": [b"\x00\xffbytes"], "json": [{"a": [1, {"b": None}]}, [], "text & <more>", 1.5, {"é": "😀"}],
        "json_null": [None, {}], "document_null": [None, uuid.UUID(int=9)],
        "recorded_at": [MOMENTS[0], None, MOMENTS[6], MOMENTS[7]],  # whole-second UTC moments only
    })
    assert document(XmlSink(None, indent=indent), [chunk]) == django_xml(chunk, indent)


@pytest.mark.parametrize("indent", [None, 2])
def test_many_to_many_objects_and_non_integer_pks_are_what_django_writes(tmp_path, indent):
    from seedgen.demo.blog.models import Tag

    model, posts = plan_and_chunk(tmp_path, "blog.Post", 12)
    posts = with_columns(posts, {"title": TEXTS}, {"tags": [[], [1], [3, 1, 2], list(range(1, 30))]})
    _, documents = plan_and_chunk(tmp_path, "fieldtypes.Document", 2)
    documents = with_columns(documents, {"title": ["a & b", "c"]})
    for chunk, m2m in ((posts, {"tags": Tag}), (documents, {})):
        assert document(XmlSink(None, indent=indent), [chunk]) == django_xml(chunk, indent, m2m)


def test_natural_keys_are_written_part_by_part_and_a_natural_pk_is_left_out(tmp_path):
    model, chunk = plan_and_chunk(tmp_path, "blog.Post", 2)
    chunk = with_columns(chunk, {"author": [["ann & bo", 1], None]}, {"tags": [[["<django>"], ["python", 3]], [2]]})
    natural = dataclasses.replace(chunk, model=dataclasses.replace(model, natural_pk=True))
    text = XmlSink(None).render(natural)
    assert ('<object model="blog.post"><field name="title" type="CharField">' in text and ' pk="' not in text.split(">")[0])
    assert ('<field name="author" rel="ManyToOneRel" to="auth.user"><natural>ann &amp; bo</natural><natural>1</natural>'
            "</field>") in text
    assert ('<field name="tags" rel="ManyToManyRel" to="blog.tag"><object><natural>&lt;django&gt;</natural></object>'
            '<object><natural>python</natural><natural>3</natural></object></field></object>') in text
    assert '<field name="author" rel="ManyToOneRel" to="auth.user"><None></None></field>' in text
    assert text.endswith('<object pk="2"></object></field></object>')


@pytest.mark.parametrize("value", ["a & b", "quo'te", 'dq"te', "both ' and \"", "tab\there\nand\rthere", "<>", "é"])
def test_attributes_are_quoted_as_the_generator_quotes_them(value):
    out = io.StringIO()
    generator = SimplerXMLGenerator(out, "utf-8")
    generator.startElement("object", {"pk": value, "model": "m.m"})
    assert start_tag("object", {"pk": value, "model": "m.m"}) == out.getvalue()


@pytest.mark.parametrize("text", ["\x01", "a\x00b", "\x0b", "\x1f", "x\x08"])
def test_control_characters_are_refused_as_django_refuses_them(tmp_path, text):
    model, chunk = plan_and_chunk(tmp_path, "blog.Post", 3)
    for name in ("title", "slug", "author"):
        bad = [["natural", text]] if name == "author" else ["fine", text]
        with pytest.raises(SinkError, match=rf"^blog\.Post\.{name}: the value .* holds a control character"):
            XmlSink(None).render(with_columns(chunk, {name: bad}))
    with pytest.raises(UnserializableContentError, match="Control characters are not supported in XML 1.0"):
        characters(["fine", text])  # Django's own words


def test_an_export_with_a_control_character_leaves_no_file(tmp_path):
    profile = tmp_path / "tags.yaml"
    profile.write_text('models:\n  blog.Tag:\n    count: 3\n    fields:\n      name: {template: "tag\\x01{n}"}\n')
    with pytest.raises(SinkError, match=r"^blog\.Tag\.name: the value 'tag\\x011' holds a control character"):
        api.export(profile, tmp_path / "tags.xml")
    assert not (tmp_path / "tags.xml").exists()
