"""The models a profile needs besides the ones it lists, and how many rows each gets.

A listed model can need others: the target of a required foreign key or
many-to-many field, an MTI parent, an explicit through model. Those are added
with a notice. References to Django's own content types and permissions go
to the rows ``migrate`` creates (see ``django_rows``); only rows the profile
asks for by listing those models are made, beside Django's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from seedgen.errors import SinkError
from seedgen.planning.introspect import unique_fields
from seedgen.planning.model import ExistingRows
from seedgen.profile.schema import FieldSpec

# Rows that Django makes itself after migrate; references go to those.
DJANGO_MADE = ("contenttypes.contenttype", "auth.permission")
# Rows of Django's own models that a profile lists go in beside Django's, written without a pk (by
# natural key, which loaddata then creates) and with natural keys that cannot be a real model's.
SAMPLE_FIELDS = {
    ("contenttypes.contenttype", "app_label"): FieldSpec(name="app_label", strategy="constant", arg="seedgen_samples"),
    ("contenttypes.contenttype", "model"): FieldSpec(name="model", strategy="template", arg="sample_{pk}", unique=True),
    ("auth.permission", "codename"): FieldSpec(name="codename", strategy="template", arg="seedgen_sample_{pk}", unique=True),
    ("auth.permission", "name"): FieldSpec(name="name", strategy="template", arg="Can use sample {pk}"),
}
SMALL_COUNT = 10  # rows of a model added only because another needs some
LINKS_PER_ROW = 2  # rows of an added explicit through model per row of its owner


@dataclass(frozen=True)
class Needed:
    """A model the plan makes rows of: listed, or added (with the reason)."""

    model: type[models.Model]
    count: int
    reason: str = ""  # why it was added; "" when the profile lists it


def label_of(model: type[models.Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


def required_targets(model: type[models.Model], named: Mapping[str, bool] | None = None
                     ) -> list[tuple[models.Field | None, type[models.Model], str]]:
    """(field, model, why) for every model that rows of ``model`` cannot be made without.

    ``named`` maps the fields the profile fills with ``ref`` to whether they take existing
    rows: the others are needed even when optional, those never."""
    named = named or {}
    meta = model._meta
    needs: list[tuple[models.Field | None, type[models.Model], str]] = []
    for parent, link in meta.parents.items():
        if link is not None:
            needs.append((None, parent, f"MTI parent of {meta.label}"))
    for f in meta.local_fields:
        if not f.is_relation or getattr(f.remote_field, "parent_link", False) or named.get(f.name):
            continue
        if not f.null or not f.blank or f.name in named:
            needs.append((f, f.related_model, f"{meta.label}.{f.name} needs rows"))
    for f in meta.local_many_to_many:
        if named.get(f.name):
            continue
        through = f.remote_field.through
        if not through._meta.auto_created:
            needs.append((f, through, f"through model of {meta.label}.{f.name}"))
        elif not f.blank or f.name in named:
            needs.append((f, f.related_model, f"{meta.label}.{f.name} needs rows"))
    return needs


def is_unique_link(f: models.Field | None) -> bool:
    """A one-to-one or unique foreign key: one row of its model per target row at most."""
    if f is None or not f.is_relation or f.many_to_many:
        return False
    return f.one_to_one or f.name in unique_fields(f.model)


def close(listed: Mapping[str, Needed], named: Mapping[str, Mapping[str, bool]]
          ) -> tuple[dict[str, Needed], list[str]]:
    """Every model to make rows of, listed first then added ones, and a notice per added model.

    ``named`` holds, per listed model, the fields its profile fills with ``ref``."""
    result = dict(listed)
    added: dict[str, list[tuple[str, int]]] = {}  # label -> (why, rows it needs)
    queue = list(listed)
    while queue:
        label = queue.pop(0)
        needed = result[label]
        for f, target, why in required_targets(needed.model, named.get(label)):
            target_label = label_of(target)
            if target_label in DJANGO_MADE or target_label == label:
                continue
            if target_label in listed:
                continue
            rows = _rows_for(f, target, needed.count)
            added.setdefault(target_label, []).append((why, rows))
            count = max(rows for _, rows in added[target_label])
            known = result.get(target_label)
            if known is None or known.count < count:
                reasons = sorted({w for w, _ in added[target_label]})
                result[target_label] = Needed(target._meta.concrete_model, count, "; ".join(reasons))
                queue.append(target_label)
    notices = [f"added {n.model._meta.label} ({n.count} rows): {n.reason}" for label, n in result.items()
               if label not in listed]
    return result, notices


def _rows_for(f: models.Field | None, target: type[models.Model], count: int) -> int:
    if f is None:  # an MTI parent holds its children's rows already; none of its own
        return 0
    if f.many_to_many and not f.remote_field.through._meta.auto_created:
        return count * LINKS_PER_ROW
    if is_unique_link(f):
        return count
    return min(count, SMALL_COUNT) if count else 0


def django_rows() -> dict[str, tuple[tuple, ...]]:
    """The natural keys of the content types and permissions ``migrate`` creates for the installed models."""
    rows: dict[str, tuple[tuple, ...]] = {}
    if apps.is_installed("django.contrib.contenttypes"):
        rows["contenttypes.contenttype"] = tuple(sorted(
            (m._meta.app_label, m._meta.model_name) for m in apps.get_models()))
    if apps.is_installed("django.contrib.auth"):
        from django.contrib.auth.management import _get_all_permissions

        rows["auth.permission"] = tuple(sorted(
            (codename, m._meta.app_label, m._meta.model_name)
            for m in apps.get_models() for codename, _ in _get_all_permissions(m._meta)))
    return rows


def resolve_in_database(existing: Mapping[str, ExistingRows], alias: str) -> dict[str, ExistingRows]:
    """The content types and permissions of ``existing`` as the pks database ``alias`` gives them."""
    from django.contrib.contenttypes.models import ContentType

    queries = {
        "contenttypes.contenttype": lambda: ContentType.objects.using(alias).values_list("app_label", "model", "pk"),
        "auth.permission": lambda: apps.get_model("auth.permission").objects.using(alias).values_list(
            "codename", "content_type__app_label", "content_type__model", "pk"),
    }
    resolved = {}
    for label, rows in existing.items():
        if label not in queries or not rows.natural:
            continue
        pks = {tuple(row[:-1]): row[-1] for row in queries[label]()}
        missing = [key for key in rows.natural if key not in pks]
        if missing:
            raise SinkError(f"database {alias!r} has no {label} row {'.'.join(missing[0])} (of {len(missing)} missing); "
                            "run `manage.py migrate` so Django makes its content types and permissions")
        resolved[label] = ExistingRows(label, tuple(pks[key] for key in rows.natural), rows.natural)
    return resolved
