"""Value formats shared by the writers: Django's JSON encoding of dates, decimals, UUIDs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import orjson
from django.utils.duration import duration_iso_string

from seedgen.plan import FieldPlan
from seedgen.sinks.base import python_converter


def json_datetime(value: dt.datetime) -> str:
    """DjangoJSONEncoder's form: milliseconds at most, 'Z' for UTC."""
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def json_time(value: dt.time) -> str:
    text = value.isoformat()
    return text[:12] if value.microsecond else text


def _skip_none(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if v is None else convert(v)


def json_converter(field: FieldPlan, *, fragments: bool) -> Callable[[Any], Any] | None:
    """What DjangoJSONEncoder does to a value, done ahead so a plain encoder can write it.

    With ``fragments``, floats are pre-rendered by the stdlib so orjson's float
    format cannot differ from ``json``'s.
    """
    kind = field.kind
    if kind == "DateTimeField":
        return _skip_none(json_datetime)
    if kind == "DateField":
        return _skip_none(dt.date.isoformat)
    if kind == "TimeField":
        return _skip_none(json_time)
    if kind == "DecimalField":
        return _skip_none(str)
    if kind == "DurationField":
        return _skip_none(duration_iso_string)
    if kind == "FloatField" and fragments:
        return _skip_none(lambda v: orjson.Fragment(json.dumps(v)))
    return python_converter(field)
