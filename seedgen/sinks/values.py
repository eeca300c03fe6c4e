"""The value a fixture holds: Django's serializer rule, written once for every sink.

Django's python serializer keeps "protected" values (None, numbers, dates,
times, Decimals) as they are and turns every other value into
``field.value_to_string(obj)``; JSON then encodes the protected ones as
DjangoJSONEncoder does. Relations hold a pk, or a natural key (a list).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import operator
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import orjson
from django.db import models
from django.db.models.base import ModelState
from django.db.models.query_utils import DeferredAttribute

from seedgen.planning import FieldPlan

# django.utils.encoding.is_protected_type, as a tuple for isinstance.
PROTECTED = (type(None), int, float, decimal.Decimal, dt.datetime, dt.date, dt.time)


def json_datetime(value: dt.datetime) -> str:
    """DjangoJSONEncoder's form: milliseconds at most, 'Z' for UTC."""
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


_TZINFO, _MICROSECOND = operator.attrgetter("tzinfo"), operator.attrgetter("microsecond")


def utc_seconds(values: list[Any]) -> list[Any] | None:
    """A column of whole-second UTC moments (what the datetime strategies make) in DjangoJSONEncoder's
    form, all at once through numpy; None when any value is of another kind (then each goes alone)."""
    # Each test and the timestamps run over the column in C (map, attrgetter), not a Python loop.
    moments = [v for v in values if v is not None] if None in values else values
    if set(map(type, moments)) != {dt.datetime} or set(map(_TZINFO, moments)) != {dt.UTC} \
            or any(map(_MICROSECOND, moments)):
        return None
    seconds = np.fromiter(map(dt.datetime.timestamp, moments), dtype=np.float64, count=len(moments)).astype(np.int64)
    texts = [t + "Z" for t in np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()]
    if moments is values:
        return texts
    given = iter(texts)
    return [None if v is None else next(given) for v in values]


def json_time(value: dt.time) -> str:
    text = value.isoformat()
    return text[:12] if value.microsecond else text


# What DjangoJSONEncoder writes for the protected types plain JSON does not know.
_JSON_ENCODINGS: dict[type, Callable[[Any], Any]] = {
    dt.datetime: json_datetime,
    dt.date: dt.date.isoformat,
    dt.time: json_time,
    decimal.Decimal: str,
}


class _Holder:
    """Stands in for a model instance: ``value_to_string`` reads the value from its attname."""


def value_to_string(field: models.Field) -> Callable[[Any], str]:
    """``field.value_to_string`` of one value, without building a model instance."""
    kind = type(field)
    if kind.value_to_string is models.Field.value_to_string and kind.value_from_object is models.Field.value_from_object:
        return str  # the base rule: str(getattr(obj, attname))
    holder = _Holder()
    attname = field.attname

    def convert(value: Any) -> str:
        setattr(holder, attname, value)
        return field.value_to_string(holder)

    return convert


def python_column(field: FieldPlan, values: list[Any]) -> list[Any]:
    """Django's python-serializer form of a column (what every format starts from)."""
    if field.is_m2m:
        return values  # lists of pks or of natural keys
    if _wrapped(field.field):
        return [_through_instance(field.field, v) for v in values]
    types = set(map(type, values))
    passing = PROTECTED + ((list,) if field.field.is_relation else ())  # a natural key
    if all(issubclass(t, passing) for t in types):
        return values
    convert = value_to_string(field.field)
    if convert is str and all(t is str or issubclass(t, passing) for t in types):
        return values  # str() of a str is that very str
    return [v if isinstance(v, passing) else convert(v) for v in values]


def _wrapped(field: models.Field) -> bool:
    """Whether the model's attribute wraps the stored value (a FileField's FieldFile): the rule is then
    applied to what the attribute gives, as Django's serializer does."""
    if field.is_relation:
        return False  # a key holds a pk or a natural key, whatever its attribute gives
    return getattr(type(field), "descriptor_class", DeferredAttribute) is not DeferredAttribute


def _through_instance(field: models.Field, value: Any) -> Any:
    model = field.model
    instance = model.__new__(model)
    instance._state = ModelState()
    setattr(instance, field.attname, value)
    held = field.value_from_object(instance)
    return held if isinstance(held, PROTECTED) else field.value_to_string(instance)


def json_column(field: FieldPlan, values: list[Any], *, fragments: bool) -> list[Any]:
    """A column as DjangoJSONEncoder would write it, made ahead so a plain encoder can write it.

    With ``fragments``, floats are pre-rendered by the stdlib so orjson's float
    format cannot differ from ``json``'s.
    """
    values = python_column(field, values)
    if dt.datetime in set(map(type, values)):
        values = utc_seconds(values) or values
    encodings = {t: _JSON_ENCODINGS[t] for t in set(map(type, values)) if t in _JSON_ENCODINGS}
    if fragments and float in set(map(type, values)):
        encodings[float] = lambda v: orjson.Fragment(json.dumps(v))
    if not encodings:
        return values
    return [encodings[type(v)](v) if type(v) in encodings else v for v in values]


_ORJSON_INTS = range(-(2**63), 2**64)


def json_fragments(values: list[Any], encoder: json.JSONEncoder, *, compact_lists: bool) -> Iterable[bytes]:
    """Each value of a ``json_column`` as the JSON bytes ``encoder`` writes (``ensure_ascii=False``), lazily:
    orjson's bytes keep a 4 KB buffer until freed, so they are joined into their row as they come.

    orjson writes strings, whole numbers, booleans, null, and lists of those exactly as ``json``
    does when the encoder's item separator is a bare "," (``compact_lists``); with ", ", lists of
    whole numbers only get their spaces added. Every other value (floats, mappings) goes through
    ``encoder`` itself.
    """
    dumps = orjson.dumps
    types = set(map(type, values))
    ints = values if types == {int} else [v for v in values if type(v) is int] if int in types else []
    if types <= {str, bool, int, type(None)} and _orjson_ints(ints):
        return map(dumps, values)
    items = [x for v in values for x in v] if types == {list} else None  # many-to-many pks, natural keys
    if items is not None and _orjson_ints([x for x in items if type(x) is int]):
        kinds = set(map(type, items))
        if compact_lists and kinds <= {str, int}:
            return map(dumps, values)
        if kinds <= {int}:  # no comma but the separators'
            return map(_SPACED, map(dumps, values))
    return (_fragment(v, encoder, compact_lists) for v in values)


_SPACED = operator.methodcaller("replace", b",", b", ")


def _fragment(value: Any, encoder: json.JSONEncoder, compact_lists: bool) -> bytes:
    kind = type(value)
    if kind is str or kind is bool or value is None or kind is int and value in _ORJSON_INTS:
        return orjson.dumps(value)
    if kind is list and compact_lists and _plain_list(value):
        return orjson.dumps(value)
    return encoder.encode(value).encode()


def _orjson_ints(ints: list[int]) -> bool:
    return not ints or min(ints) in _ORJSON_INTS and max(ints) in _ORJSON_INTS


def _plain_list(value: list[Any]) -> bool:
    return all(type(v) is str or type(v) is int and v in _ORJSON_INTS or type(v) is list and _plain_list(v) for v in value)


def yaml_column(field: FieldPlan, values: list[Any]) -> list[Any]:
    """YAML has no time type: Django's YAML serializer writes times as ``str()``."""
    values = python_column(field, values)
    if dt.time not in set(map(type, values)):
        return values
    return [str(v) if isinstance(v, dt.time) else v for v in values]


def xml_text(field: models.Field) -> Callable[[Any], str | None]:
    """The text of a non-relation value in Django's XML (None for ``<None/>``): ``value_to_string``,
    JSON for a JSONField."""
    if _wrapped(field):
        return lambda v: _through_instance(field, v) if v is not None else ""  # a FieldFile is never None
    convert = value_to_string(field)
    if field.get_internal_type() == "JSONField":  # Django's XML serializer has this one case
        return lambda v: None if v is None else json.dumps(convert(v), cls=field.encoder)
    return lambda v: None if v is None else convert(v)


def spaced_utc_seconds(values: list[Any], zone: str = "") -> list[str | None] | None:
    """A column of whole-second UTC moments as ``isoformat(" ")`` of each without its zone, then ``zone``,
    all at once: what SafeRepresenter writes with "+00:00", what SQLite and MySQL store of it made naive
    with ""; None when any value is of another kind."""
    texts = utc_seconds(values)
    if texts is None:
        return None
    return [None if t is None else f"{t[:10]} {t[11:19]}{zone}" for t in texts]


# The fields whose value_to_string is ``"" if val is None else val.isoformat()``.
_ISOFORMAT_RULES = (models.DateField.value_to_string, models.DateTimeField.value_to_string,
                    models.TimeField.value_to_string)


def xml_column(field: models.Field, values: list[Any]) -> list[str | None]:
    """``xml_text`` of each value of a column: the base rule and the date and time fields' ``isoformat()``
    are applied to the whole column without a stand-in instance."""
    kind = type(field)
    if not _wrapped(field) and kind.value_from_object is models.Field.value_from_object:
        if kind.value_to_string is models.Field.value_to_string and field.get_internal_type() != "JSONField":
            return [v if type(v) is str else None if v is None else str(v) for v in values]
        if kind.value_to_string in _ISOFORMAT_RULES:
            moments = utc_seconds(values) if dt.datetime in set(map(type, values)) else None
            if moments is not None:  # whole-second UTC moments, all at once
                return [None if t is None else t[:-1] + "+00:00" for t in moments]
            return [None if v is None else v.isoformat() for v in values]
    text = xml_text(field)
    return [text(v) for v in values]

