"""The rows of each model in a table: its own count, its MTI children's blocks, and caps on unique links.

A multi-table child's rows are the last rows of its parent's table, pk for pk:
a parent's count is its own rows plus its children's, own rows first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.apps import apps
from django.db import models

from seedgen.errors import ProfileError
from seedgen.planning import closure, introspect
from seedgen.profile.schema import ModelSpec


class Layout:
    """Counts and MTI blocks of the models a plan makes rows of."""

    def __init__(self, needed: Mapping[str, closure.Needed], specs: Mapping[str, ModelSpec],
                 error: Callable[[str, int | None, str], ProfileError]) -> None:
        self.own = {label: n.count for label, n in needed.items()}
        self.parents: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        for label, n in needed.items():
            parents = [p for p, link in n.model._meta.parents.items() if link is not None]
            if len(parents) > 1:
                spec = specs.get(label)
                raise error("has more than one multi-table parent (not supported)",
                            spec.line if spec else None, n.model._meta.label)
            if parents:
                parent = closure.label_of(parents[0])
                self.parents[label] = parent
                self.children.setdefault(parent, []).append(label)
        self.counts: dict[str, int] = {}
        self.recount()

    def recount(self) -> None:
        """Each model's rows in its table: its own and all its MTI descendants'."""
        totals: dict[str, int] = {}

        def total(label: str) -> int:
            if label not in totals:
                totals[label] = self.own[label] + sum(total(c) for c in self.children.get(label, ()))
            return totals[label]

        self.counts = {label: total(label) for label in self.own}

    def cap_unique_links(self, specs: Mapping[str, ModelSpec]) -> list[str]:
        """A bare count of a model with a one-to-one or unique FK is cut to the rows its target has."""
        notices = []
        for label, spec in specs.items():
            if label not in self.own or not spec.bare:
                continue
            model = apps.get_model(label)
            for f in model._meta.local_fields:
                target = closure.label_of(f.related_model) if f.is_relation else None
                if (not closure.is_unique_link(f) or getattr(f.remote_field, "parent_link", False)
                        or target not in self.counts or target == label):
                    continue
                room = self.counts[target] - (self.counts[label] - self.own[label])
                if self.own[label] > room:
                    notices.append(f"{model._meta.label}: {room} rows, not {self.own[label]}: "
                                   f"{f.name} is unique and {f.related_model._meta.label} has {room} rows")
                    self.own[label] = max(room, 0)
                    self.recount()
        return notices

    def range_pk(self, model: type[models.Model]) -> bool:
        """Whether the model's pk is its row's place in the pk range (an AutoField or an MTI parent link)."""
        return introspect.is_auto_pk(model._meta.pk) or closure.label_of(model) in self.parents

    def offset_of(self, label: str) -> int:
        """The parent's row where this model's block of rows begins (0 for a model with no MTI parent)."""
        parent = self.parents.get(label)
        if parent is None:
            return 0
        offset = self.own[parent]
        for sibling in self.children[parent]:
            if sibling == label:
                return offset
            offset += self.counts[sibling]
        raise AssertionError(label)

    def blocks_of(self, label: str) -> tuple[tuple[int, str], ...]:
        """(first row, concrete label) of each class's rows in this table: own rows, then each child's."""
        blocks = [(0, label)] if self.own[label] else []
        start = self.own[label]
        for child in self.children.get(label, ()):
            blocks += [(start + first, name) for first, name in self.blocks_of(child)]
            start += self.counts[child]
        return tuple(blocks)
