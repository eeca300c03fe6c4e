"""The handle a test gets to what seeding made: the named objects and each model's rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from seedgen.api import Report
from seedgen.errors import PlanError, suggest


@dataclass(frozen=True)
class RowSet:
    """The pks one run wrote to one model: runs of consecutive integers, and any other pks as they are."""

    runs: tuple[tuple[int, int], ...] = ()  # (first, last) pks, both included
    others: tuple[Any, ...] = ()

    def __len__(self) -> int:
        return sum(last - first + 1 for first, last in self.runs) + len(self.others)

    def q(self) -> models.Q:
        """The filter that matches exactly these rows (no pks: a filter that matches none)."""
        q = models.Q(pk__in=list(self.others))
        for first, last in self.runs:
            q |= models.Q(pk__range=(first, last))
        return q


class RowSetBuilder:
    """Collects pks chunk by chunk into a ``RowSet`` without keeping each one."""

    def __init__(self) -> None:
        self.runs: list[list[int]] = []
        self.others: list[Any] = []

    def add(self, pks: Iterable[Any]) -> None:
        for pk in pks:
            if not isinstance(pk, int) or isinstance(pk, bool):
                self.others.append(pk)
            elif self.runs and self.runs[-1][1] + 1 == pk:
                self.runs[-1][1] = pk
            else:
                self.runs.append([pk, pk])

    def build(self) -> RowSet:
        return RowSet(tuple((first, last) for first, last in self.runs), tuple(self.others))


@dataclass(frozen=True)
class SeedData:
    """What one profile put into a test database.

    ``objects["django"]`` is the named object ``django`` as a model instance; ``queryset("blog.Post")``
    the rows of that model this run made, and no others; ``report`` the run's ``seedgen.Report``;
    ``cached`` whether the rows were replayed from the cache instead of generated.
    """

    database: str
    report: Report
    rows: dict[str, RowSet]  # model label, lower case -> pks written
    objects: dict[str, models.Model] = field(default_factory=dict)
    cached: bool = False

    @classmethod
    def fetch(cls, database: str, report: Report, rows: dict[str, RowSet], *, cached: bool) -> SeedData:
        """The handle, with the named objects read back, one query per model."""
        by_model: dict[str, list[tuple[str, Any]]] = {}
        for name, (label, pk) in report.objects.items():
            by_model.setdefault(label, []).append((name, pk))
        objects = {}
        for label, named in by_model.items():
            found = apps.get_model(label)._base_manager.using(database).in_bulk([pk for _, pk in named])
            objects.update((name, found[pk]) for name, pk in named if pk in found)
        return cls(database, report, rows, objects, cached)

    def queryset(self, label: str) -> models.QuerySet:
        """The rows of model ``label`` (``"blog.Post"``) that seeding made, through its base manager."""
        key = label.lower()
        if key not in self.rows:
            known = sorted(apps.get_model(k)._meta.label for k in self.rows)
            raise PlanError(f"{label}: not a model this profile seeded{suggest(label, known)}; "
                            f"it seeded {', '.join(known)}")
        return apps.get_model(key)._base_manager.using(self.database).filter(self.rows[key].q())
