"""Read Django models: which fields a fixture carries and how to fill the unnamed ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

# Callable defaults that are deterministic, or stand for "now".
_SAFE_CALLABLE_DEFAULTS = {dict: {}, list: [], str: "", int: 0, bool: False}
_NOW_DEFAULTS = (timezone.now, dt.datetime.now)

def writable_fields(model: type[models.Model]) -> tuple[list[models.Field], list[models.ManyToManyField]]:
    """The local fields and M2M fields that Django's serializers write, in their order.

    An MTI child's own table only (its parent link is its pk); an M2M field with
    an explicit through model is written as that model's rows instead.
    """
    meta = model._meta.concrete_model._meta
    local = [f for f in meta.local_fields if f.serialize or f.primary_key]
    local = [f for f in local if f.concrete and not getattr(f, "generated", False)]
    m2m = [f for f in meta.local_many_to_many if f.serialize and f.remote_field.through._meta.auto_created]
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


def unique_groups(model: type[models.Model]) -> list[tuple[str, ...]]:
    """Sets of two or more fields that must be unique together (unique_together, UniqueConstraint).

    A constraint's condition is ignored (every row is kept unique, which is
    stricter); one over expressions counts the fields it names.
    """
    meta = model._meta
    groups = [tuple(t) for t in meta.unique_together if len(t) > 1]
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names = tuple(constraint.fields) or tuple(_expression_fields(constraint.expressions))
            if len(names) > 1:
                groups.append(names)
    return [tuple(meta.get_field(n).name for n in g) for g in dict.fromkeys(groups)]


def casefold_unique(model: type[models.Model]) -> set[str]:
    """Fields unique through an expression over them alone, such as ``UniqueConstraint(Lower("name"))``:
    their values must differ in more than case."""
    names = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.expressions:
            fields = list(_expression_fields(constraint.expressions))
            if len(fields) == 1:
                names.add(model._meta.get_field(fields[0]).name)
    return names


def _expression_fields(expressions) -> list[str]:
    found: list[str] = []
    for expression in expressions:
        if isinstance(expression, models.F):
            found.append(expression.name)
        elif isinstance(expression, str):
            found.append(expression)
        elif hasattr(expression, "get_source_expressions"):
            found.extend(_expression_fields(expression.get_source_expressions()))
    return list(dict.fromkeys(found))


def generic_keys(model: type[models.Model]) -> dict[str, tuple[str, str, str]]:
    """Field name -> (role, content type field, object id field) for each GenericForeignKey's two fields."""
    from django.contrib.contenttypes.fields import GenericForeignKey

    keys = {}
    for gfk in model._meta.private_fields:
        if isinstance(gfk, GenericForeignKey):
            keys[gfk.ct_field] = ("content_type", gfk.ct_field, gfk.fk_field)
            keys[gfk.fk_field] = ("object_id", gfk.ct_field, gfk.fk_field)
    return keys


def generic_targets(model: type[models.Model], ct_field: str, fk_field: str, counts) -> list[str]:
    """The models a GenericForeignKey may point at: those with a GenericRelation to it, else every model
    with rows whose pk the object id field can hold."""
    from django.contrib.contenttypes.fields import GenericRelation

    object_id = model._meta.get_field(fk_field)
    allowed = model._meta.get_field(ct_field).get_limit_choices_to()
    related = sorted({
        f.model._meta.label_lower for f in _generic_relations(GenericRelation)
        if f.related_model is model and f.content_type_field_name == ct_field and f.object_id_field_name == fk_field
    })
    candidates = related or sorted(counts)
    numeric = object_id.get_internal_type().endswith("IntegerField")
    fitting = []
    for label in candidates:
        if not counts.get(label) or label == model._meta.label_lower:
            continue
        target = _model(label)
        if numeric and not isinstance(target._meta.pk, (models.AutoField, models.IntegerField)):
            continue
        if not _allowed_content_type(allowed, target._meta.app_label, target._meta.model_name):
            continue
        fitting.append(label)
    return fitting


def _allowed_content_type(limit, app_label: str, model_name: str) -> bool:
    """Whether a content type passes a ``limit_choices_to`` of plain lookups on app_label and model."""
    if not limit:
        return True
    if not isinstance(limit, dict):
        return True  # a Q object: full_clean() will say, and `seedgen check` shows it
    values = {"app_label": app_label, "model": model_name}
    for lookup, wanted in limit.items():
        name, _, op = lookup.partition("__")
        if name not in values:
            continue
        if op == "in" and values[name] not in wanted or op == "" and values[name] != wanted:
            return False
    return True


def _model(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)


def _generic_relations(kind) -> list:
    from django.apps import apps

    return [f for m in apps.get_models() for f in m._meta.private_fields if isinstance(f, kind)]


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
