"""The ``Strategy`` base class and the registry of strategies by name.

A strategy is one unit: how the profile writes it, how the planner checks it
against the field it fills, and how it makes a column of values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from seedgen.errors import ProfileError, short
from seedgen.strategies import rng

if TYPE_CHECKING:  # annotations only: the plan is made above this package and handed down
    from django.db import models

    from seedgen.planning import FieldPlan, ModelPlan, Plan

Fail = Callable[[str], Exception]


@dataclass
class Context:
    """The chunk being made: its row indices and the columns made so far."""

    rows: np.ndarray
    columns: dict[str, list[Any]]
    model: ModelPlan


@dataclass(frozen=True)
class Planning:
    """What a strategy's planning check knows: the column it fills and the run around it."""

    field: models.Field | None  # None for a var, a helper column that is never written
    count: int  # rows of the model
    unique: bool
    now: dt.datetime  # the profile's "now"
    locale: str | Mapping[str, float]  # the profile's Faker locale, or locales by weight
    fail: Fail  # makes the error that names the profile's file, line and key


class Strategy:
    """One way of filling a field; subclasses set ``name`` and implement ``column``.

    The class methods are its profile syntax (``options``, ``read_arg``,
    ``check_arg``) and its planning check (``plan``, ``depends_on``,
    ``fills_var``, ``fills_relation``); an instance, built once per field and
    run, makes the values.
    """

    name: ClassVar[str] = ""
    options: ClassVar[tuple[str, ...]] = ()  # the options a profile may give besides the strategy's own key
    internal: ClassVar[bool] = False  # made by the planner only; a profile cannot name it
    fills_var: ClassVar[bool] = True
    fills_relation: ClassVar[bool] = False
    # The Django field types (get_internal_type) it makes values for; None: any (the values are checked).
    fits: ClassVar[frozenset[str] | None] = None
    # The generator running this instance, set by generation: values of other rows and models (copy, sum).
    generator: Any = None

    @classmethod
    def read_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> tuple[Any, dict[str, Any]]:
        """The argument and options as the profile means them, for a strategy whose YAML has a second shape."""
        return arg, options

    @classmethod
    def check_arg(cls, arg: Any, options: dict[str, Any], fail: Fail) -> None:
        """Raise ``fail(message)`` when the argument or options are not what the profile syntax allows."""

    @classmethod
    def plan(cls, arg: Any, options: dict[str, Any], at: Planning) -> tuple[Any, dict[str, Any]]:
        """Check the strategy against the column it fills; the argument and options as generation reads them."""
        return arg, options

    @classmethod
    def depends_on(cls, arg: Any, options: dict[str, Any]) -> tuple[str, ...]:
        """The other columns of the row (or ``n``, ``i``, ``pk``) its values are made from."""
        return ()

    def __init__(self, field: FieldPlan, model: ModelPlan, plan: Plan) -> None:
        self.field, self.model, self.plan = field, model, plan
        self.key = rng.stream_key(plan.seed, model.label, field.name)
        self.prepare()

    def prepare(self) -> None:
        """Build pools and tables; runs once per field and run."""

    def column(self, ctx: Context) -> list[Any]:
        raise NotImplementedError

    def fail(self, message: str) -> ProfileError:
        """An error found while building the values, before any is written: it names the profile's file
        and line (the field's, or its model's when the field is derived) and model.field."""
        return ProfileError(message, file=self.plan.profile.file, line=self.field.line or self.model.line,
                            key=f"{self.model.model._meta.label}.fields.{self.field.name}")

    def fit(self, text: str) -> str:
        """Cut a non-unique string to the field's max_length, at a word boundary."""
        return self.fitted([text])[0]

    def fitted(self, texts: list[str]) -> list[str]:
        """``fit`` of a column of strings."""
        limit = self.field.max_length
        return [cut(t, limit) if limit and len(t) > limit else t for t in texts]


_SOFT_ENDS = " \t\n,;:-"


def cut(text: str, limit: int | None) -> str:
    """``text`` in at most ``limit`` characters, with no space at either end: after the last
    whole sentence when one ends in the second half, else after the last whole word."""
    text = text.strip()
    if not limit or len(text) <= limit:
        return text
    head = text[: limit + 1]  # a space just past the limit still ends a whole word
    sentence = head.rfind(". ")
    if sentence >= limit // 2:
        return head[: sentence + 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    head = head[:space] if space >= limit // 2 else text[:limit]
    return head.rstrip(_SOFT_ENDS) or text[:limit].strip()


INTEGERS = frozenset({"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
                      "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField"})
NUMBERS = INTEGERS | {"FloatField", "DecimalField"}
# Kinds that take any value as its text (a number or a date written into a CharField is its str()).
TEXTS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField", "GenericIPAddressField",
                   "FilePathField", "FileField", "ImageField", "JSONField"})
TIMES = frozenset({"DateTimeField", "DateField", "TimeField"})

_REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make ``cls`` known by its ``name`` to the profile, the planner and generation."""
    if not cls.name or _REGISTRY.get(cls.name, cls) is not cls:
        raise ValueError(f"strategy name {cls.name!r} is empty or taken")
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    del _REGISTRY[name]


def strategy_class(name: str) -> type[Strategy]:
    return _REGISTRY[name]


def registered() -> dict[str, type[Strategy]]:
    """Every strategy by name, in the order they were registered."""
    return dict(_REGISTRY)


def fitting(kind: str) -> list[str]:
    """The strategies a profile may name for a field of Django type ``kind``."""
    return [name for name, cls in profile_strategies().items() if cls.fits is None or kind in cls.fits]


def profile_strategies() -> dict[str, type[Strategy]]:
    """The strategies a profile may name."""
    return {name: cls for name, cls in _REGISTRY.items() if not cls.internal}


def strategy_for(field: FieldPlan, model: ModelPlan, plan: Plan) -> Strategy:
    return _REGISTRY[field.strategy](field, model, plan)


def is_pair(arg: Any) -> bool:
    return isinstance(arg, list) and len(arg) == 2


def check_distinct(name: str, distinct: int, at: Planning) -> None:
    """A unique field needs as many distinct values as rows; a var is never written, so nothing holds it unique."""
    if at.unique and at.field is not None and not at.field.many_to_many and at.count > distinct:
        raise at.fail(f"is unique but {name} gives only {distinct} distinct values for {at.count} rows")


def check_length(values: list[Any], at: Planning) -> None:
    """Values the profile gives must fit the field's max_length (a JSONField's is no limit)."""
    limit = getattr(at.field, "max_length", None)
    if not limit or at.field.get_internal_type() == "JSONField":
        return
    for value in values:
        if len(str(value)) > limit:
            raise at.fail(f"value {short(value)!r} is longer than max_length {limit}")


def pick(key: int, rows: np.ndarray, size: int, unique: bool) -> np.ndarray:
    """Indices into a table of ``size``: a keyed permutation when unique, else uniform."""
    if unique:
        return rng.Permutation(key, size)(rows % size)
    return rng.integers(key, rows, 0, size - 1)


def joint_digit(strategy: Strategy, rows: np.ndarray) -> np.ndarray:
    """A member's value index in a keyed permutation of every combination of its unique group
    (``unique_together``): row *i* takes combination *i*, so no two rows share one."""
    joint = strategy.field.options["joint"]
    sizes = joint["sizes"]
    key = rng.stream_key(strategy.plan.seed, strategy.model.label, "unique-together", *joint["group"])
    combination = rng.Permutation(key, math.prod(sizes))(rows % math.prod(sizes))
    for size in sizes[joint["position"] + 1:]:
        combination //= size
    return combination % sizes[joint["position"]]
