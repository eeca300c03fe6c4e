"""What a model's ``CheckConstraint``s allow, read off their ``Q`` trees.

Terms joined by AND are understood when each compares one field with a
constant (``gt``, ``gte``, ``lt``, ``lte``, ``exact``, ``in``), with another
field (``Q(ends_at__gte=F("starts_at"))``), or says ``isnull``; an OR of
``isnull=True`` and such terms on one field ("empty, or positive") too. Any
other constraint is returned by name, so the planner can ask for strategies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db import models

ORDERINGS = {"gte": ("after", False), "gt": ("after", True), "lte": ("before", False), "lt": ("before", True)}
_UNSET = object()


@dataclass(frozen=True)
class Bounds:
    """The values a check constraint leaves a field: a range, a list, or one value."""

    low: Any = None
    low_strict: bool = False
    high: Any = None
    high_strict: bool = False
    among: tuple[Any, ...] | None = None
    equals: Any = _UNSET

    @property
    def fixed(self) -> bool:
        return self.equals is not _UNSET


@dataclass(frozen=True)
class CheckRules:
    bounds: dict[str, Bounds]
    orderings: dict[str, tuple[str, str, bool]]  # field -> (other field, "after"|"before", strict)
    unknown: dict[str, tuple[str, ...]]  # constraint name -> the fields it names


def check_rules(model: type[models.Model]) -> CheckRules:
    bounds: dict[str, Bounds] = {}
    orderings: dict[str, tuple[str, str, bool]] = {}
    unknown: dict[str, tuple[str, ...]] = {}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        found_bounds: dict[str, Bounds] = {}
        found_orderings: dict[str, tuple[str, str, bool]] = {}
        if _read(constraint.condition, found_bounds, found_orderings):
            for name, b in found_bounds.items():
                bounds[name] = _merge(bounds.get(name, Bounds()), b)
            orderings.update(found_orderings)
        else:
            unknown[constraint.name] = tuple(_names(constraint.condition))
    return CheckRules(bounds, orderings, unknown)


def _read(q: Any, bounds: dict[str, Bounds], orderings: dict) -> bool:
    """Add what ``q`` says to ``bounds``/``orderings``; False when it says something else."""
    if not isinstance(q, models.Q) or q.negated:
        return False
    if q.connector == models.Q.OR:
        return _read_null_or(q, bounds)
    for child in q.children:
        if isinstance(child, models.Q):
            if not _read(child, bounds, orderings):
                return False
        elif not _read_term(child, bounds, orderings):
            return False
    return True


def _read_null_or(q: models.Q, bounds: dict[str, Bounds]) -> bool:
    """``Q(x__isnull=True) | Q(x__gt=0)``: whatever x holds when it is not null obeys the other side."""
    if len(q.children) != 2:
        return False
    sides = []
    for child in q.children:
        if isinstance(child, tuple):
            sides.append([child])
        elif (isinstance(child, models.Q) and child.connector == models.Q.AND and not child.negated
              and all(isinstance(t, tuple) for t in child.children)):
            sides.append(list(child.children))
        else:
            return False
    nulls = [side for side in sides if len(side) == 1 and side[0][0].endswith("__isnull") and side[0][1] is True]
    if len(nulls) != 1:
        return False
    name = nulls[0][0][0].removesuffix("__isnull")
    rest = sides[1] if sides[0] is nulls[0] else sides[0]
    found: dict[str, Bounds] = {}
    if not all(t[0].partition("__")[0] == name and _read_term(t, found, {}) for t in rest):
        return False
    bounds[name] = _merge(bounds.get(name, Bounds()), found.get(name, Bounds()))
    return True


def _read_term(term: Any, bounds: dict[str, Bounds], orderings: dict) -> bool:
    if not isinstance(term, tuple):
        return False
    lookup, value = term
    name, _, op = lookup.partition("__")
    op = op or "exact"
    if "__" in op:
        return False  # a lookup on a transform (price__abs__gt) or a related field
    if isinstance(value, models.F):
        if op in ORDERINGS and "__" not in value.name:
            orderings[name] = (value.name, *ORDERINGS[op])
            return True
        return False
    if hasattr(value, "resolve_expression"):
        return False
    current = bounds.get(name, Bounds())
    if op == "gt" or op == "gte":
        bounds[name] = _merge(current, Bounds(low=value, low_strict=op == "gt"))
    elif op == "lt" or op == "lte":
        bounds[name] = _merge(current, Bounds(high=value, high_strict=op == "lt"))
    elif op == "in":
        bounds[name] = _merge(current, Bounds(among=tuple(value)))
    elif op == "exact":
        bounds[name] = _merge(current, Bounds(equals=value))
    elif op == "isnull":
        return value is False or value is True and current == Bounds()
    else:
        return False
    return True


def _merge(a: Bounds, b: Bounds) -> Bounds:
    merged = a
    if b.low is not None and (a.low is None or b.low > a.low or b.low == a.low and b.low_strict):
        merged = replace(merged, low=b.low, low_strict=b.low_strict)
    if b.high is not None and (a.high is None or b.high < a.high or b.high == a.high and b.high_strict):
        merged = replace(merged, high=b.high, high_strict=b.high_strict)
    if b.among is not None:
        merged = replace(merged, among=b.among if a.among is None else tuple(x for x in a.among if x in b.among))
    if b.fixed:
        merged = replace(merged, equals=b.equals)
    return merged


def _names(q: Any) -> list[str]:
    """The fields a condition names, for the message that asks for strategies."""
    found: list[str] = []
    if isinstance(q, models.Q):
        for child in q.children:
            if isinstance(child, tuple):
                found.append(child[0].partition("__")[0])
                if isinstance(child[1], models.F):
                    found.append(child[1].name.partition("__")[0])
            else:
                found.extend(_names(child))
    elif isinstance(q, models.F):
        found.append(q.name.partition("__")[0])
    elif hasattr(q, "get_source_expressions"):
        for expression in q.get_source_expressions():
            found.extend(_names(expression))
    return list(dict.fromkeys(found))
