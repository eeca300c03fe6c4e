"""Read Django models: which fields a fixture carries and how to fill the unnamed ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from seedgen.errors import PlanError
from seedgen.profile.schema import FieldSpec

# Callable defaults that are deterministic, or stand for "now".
_SAFE_CALLABLE_DEFAULTS = {dict: {}, list: [], str: "", int: 0, bool: False}
_NOW_DEFAULTS = (timezone.now, dt.datetime.now)

# Text fields recognised by name: the Faker provider (and arguments) that fits.
_TEXT_BY_NAME: dict[str, tuple[str, dict[str, Any]]] = {
    "username": ("user_name", {}),
    "first_name": ("first_name", {}),
    "last_name": ("last_name", {}),
    "full_name": ("name", {}),
    "name": ("word", {}),
    "title": ("sentence", {"nb_words": 5}),
    "email": ("email", {}),
    "phone": ("phone_number", {}),
    "phone_number": ("phone_number", {}),
    "city": ("city", {}),
    "country": ("country", {}),
    "address": ("address", {}),
    "street": ("street_address", {}),
    "company": ("company", {}),
    "color": ("hex_color", {}),
    "colour": ("hex_color", {}),
    "url": ("url", {}),
    "website": ("url", {}),
}
_INT_RANGES = {
    "SmallIntegerField": (-100, 100),
    "PositiveSmallIntegerField": (0, 100),
    "PositiveIntegerField": (0, 1000),
    "PositiveBigIntegerField": (0, 1000),
    "IntegerField": (0, 1000),
    "BigIntegerField": (0, 1000),
}


def writable_fields(model: type[models.Model]) -> tuple[list[models.Field], list[models.ManyToManyField]]:
    """The local fields and M2M fields that Django's serializers write, in their order."""
    meta = model._meta.concrete_model._meta
    if meta.parents:
        raise PlanError(f"{meta.label}: multi-table inheritance is not supported yet; profile the parent model")
    local = [f for f in meta.local_fields if f.serialize or f.primary_key]
    local = [f for f in local if f.concrete and not getattr(f, "generated", False)]
    m2m = [f for f in meta.local_many_to_many if f.serialize]
    return local, m2m


def is_auto_pk(field: models.Field) -> bool:
    return field.primary_key and isinstance(field, models.AutoField)


def unique_fields(model: type[models.Model]) -> set[str]:
    """Fields that must hold distinct values on their own."""
    meta = model._meta
    names = {f.name for f in meta.local_fields if f.unique and not f.primary_key}
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and len(constraint.fields) == 1 and constraint.condition is None:
            names.add(constraint.fields[0])
    for together in meta.unique_together:
        if len(together) == 1:
            names.add(together[0])
    return names


def model_default(field: models.Field, now: dt.datetime) -> tuple[bool, Any]:
    """(has a usable default, its value); callables are only taken when deterministic."""
    if not field.has_default():
        return False, None
    default = field.default
    if not callable(default):
        return True, default
    if default in _NOW_DEFAULTS:
        return True, now if settings_use_tz() else now.replace(tzinfo=None)
    if default in _SAFE_CALLABLE_DEFAULTS:
        return True, _SAFE_CALLABLE_DEFAULTS[default]
    return False, None


def settings_use_tz() -> bool:
    from django.conf import settings

    return bool(settings.USE_TZ)


def derive(field: models.Field, model: type[models.Model], unique: bool, now: dt.datetime) -> FieldSpec:
    """The strategy for a field the profile does not name."""
    name, kind = field.name, field.get_internal_type()

    def spec(strategy: str, arg: Any = None, **options: Any) -> FieldSpec:
        return FieldSpec(name=name, strategy=strategy, arg=arg, options=options, unique=unique)

    if field.is_relation:
        target = field.related_model._meta.label
        if field.many_to_many:
            low = 0 if field.blank else 1
            return spec("ref", target, count=[low, 3])
        if field.null:
            return spec("constant", None)
        return spec("ref", target)
    if field.choices and not unique:
        return spec("choice", [value for value, _ in field.flatchoices])
    if field.name == "password" and hasattr(model, "set_password"):
        # An unusable password: a bare profile must not create log-in-able accounts.
        return spec("constant", "!seedgen-unusable")
    has_default, default = model_default(field, now)
    if has_default and not unique and not getattr(field, "auto_now", False):
        return spec("constant", default)
    if field.null and not unique:
        return spec("constant", None)
    if kind in ("DateTimeField", "DateField"):
        return spec(kind.replace("Field", "").lower(), ["-1y", "now"])
    if kind == "TimeField":
        return spec("datetime", ["-1d", "now"])
    if kind == "BooleanField":
        return spec("choice", [True, False])
    if kind in _INT_RANGES:
        low, high = _INT_RANGES[kind]
        if unique:
            high = max(high, low + 1_000_000_000)
        return spec("int", [low, high])
    if kind == "FloatField":
        return spec("float", [0, 1000])
    if kind == "DecimalField":
        whole = min(field.max_digits - field.decimal_places, 6)
        return spec("decimal", [0, 10**whole - 1])
    if kind == "UUIDField":
        return spec("uuid")
    if kind == "JSONField":
        return spec("constant", {})
    if kind == "SlugField":
        source = next((f.name for f in model._meta.local_fields if f.name in ("name", "title")), None)
        return spec("slugify", source) if source else spec("faker", "slug")
    if kind in ("CharField", "TextField", "EmailField", "URLField", "GenericIPAddressField"):
        provider, options = _text_provider(field, kind)
        return spec("faker", provider, **options)
    raise PlanError(
        f"{model._meta.label}.{name}: cannot derive values for a {kind}; name a strategy for it in the profile"
    )


def _text_provider(field: models.Field, kind: str) -> tuple[str, dict[str, Any]]:
    if kind == "EmailField":
        return "email", {}
    if kind == "URLField":
        return "url", {}
    if kind == "GenericIPAddressField":
        return ("ipv6" if field.protocol.lower() == "ipv6" else "ipv4"), {}
    if field.name in _TEXT_BY_NAME:
        provider, args = _TEXT_BY_NAME[field.name]
        return provider, {"args": args}
    if kind == "TextField":
        return "paragraph", {"args": {"nb_sentences": 4}}
    size = field.max_length or 200
    if size < 5:
        return "lexify", {"args": {"text": "?" * size}}
    return "text", {"args": {"max_nb_chars": min(size, 200)}}
